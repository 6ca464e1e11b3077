"""Benchmark P4: the public release page, requests per second and p99 at 50 concurrent
connections, against a bare FastAPI endpoint rendering a 20 KB Jinja2 page, same run.

System: the publisher app in its own process (``bench/page_servers.py system``: the app as
``python -m publisher`` builds it, one uvicorn worker, its rendered-page cache as configured,
the comments widget and press-kit links on), ``GET /{newsroom}/releases/{id}`` of a published
release of about 20 KB of HTML (a body of 40 paragraphs, tags, a contact), made through the
staff API. Everything a page view does runs: the per-client limit (its in-process bucket), the
cache lookup, and on a miss the newsroom, release and media reads and the rendering.

Baseline: ``page_servers.py baseline``, a bare FastAPI route at the same path rendering a
Jinja2 template (autoescaped, compiled once) to as many bytes as the system's page, per request;
the same uvicorn options. Load: ``bench/http_load.py``, 50 keep-alive connections, after 200
warm-up requests; rounds alternate baseline and system. The report gives each round's
requests/s, p50, p99, their ratios, and the system's database commands per request.

``--rounds`` also runs, after the cached rounds, one round with the cache off
(``PUBLISHER_PAGE_CACHE_MAX_BYTES=0``), to show what the cache earns.
"""

from __future__ import annotations

import statistics
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.thread_reads import measured, server
from newsroom_shared.mongo import make_client

OPERATOR_TOKEN = "bench-operator-token"
PARAGRAPH = (
    "The Roadrunner 2 is lighter, faster and quieter than the skates it replaces. Acme's "
    "engineers tested it for two years in the desert, with coyotes and roadrunners alike, "
    "and changed the brakes <twice> after what they heard from the first users. "
)


def _system_env(bootstrap: str, mongo_uri: str, database: str, cache: bool) -> dict[str, str]:
    env = {
        "PUBLISHER_MONGODB_URI": mongo_uri,
        "PUBLISHER_MONGODB_DATABASE": database,
        "PUBLISHER_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "PUBLISHER_CONSUMERS_ENABLED": "false",
        "PUBLISHER_SCHEDULER_ENABLED": "false",
        "PUBLISHER_PUBLIC_RATE_PER_MINUTE": str(10**9),
        "PUBLISHER_PUBLIC_RATE_BURST": str(10**9),
        "PUBLISHER_PLATFORM_TOKEN": OPERATOR_TOKEN,
        "PUBLISHER_SIGNING_SECRET": "bench-signing-secret",
        "PUBLISHER_PUBLIC_BASE_URL": "https://news.example/api/publisher",
        "PUBLISHER_PUBLIC_WEB_ORIGIN": "https://news.example",
        "PUBLISHER_COMMENTS_PUBLIC_PATH": "/api/comments",
        "PUBLISHER_MEDIA_PUBLIC_PATH": "/api/media",
        "PUBLISHER_LOG_LEVEL": "WARNING",
    }
    if not cache:
        env["PUBLISHER_PAGE_CACHE_MAX_BYTES"] = "0"
    return env


async def seed(http: httpx.AsyncClient) -> str:
    """A tenant, a newsroom and a published release of ~20 KB of page; the page's path."""
    operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    made = await http.post("/v1/tenants", json={"name": "Acme"}, headers=operator)
    made.raise_for_status()
    staff = {"Authorization": f"Bearer {made.json()['api_key']['token']}"}
    slug = f"acme-{uuid.uuid4().hex[:8]}"
    room = {
        "name": "Acme Newsroom",
        "slug": slug,
        "default_language": "en",
        "contacts": [{"name": "Ann Press", "role": "PR", "email": "ann@acme.example"}],
    }
    newsroom = await http.post("/v1/newsrooms", json=room, headers=staff)
    newsroom.raise_for_status()
    body = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(40))
    release = {
        "newsroom_id": newsroom.json()["id"],
        "title": "Acme launches the Roadrunner 2",
        "lead": "Lighter, faster, quieter: the skates that stop when you ask them to.",
        "body": body,
        "tags": ["launch", "rockets", "skates"],
    }
    draft = await http.post("/v1/releases", json=release, headers=staff)
    draft.raise_for_status()
    release_id = draft.json()["id"]
    (await http.post(f"/v1/releases/{release_id}/publish", headers=staff)).raise_for_status()
    return f"/{slug}/releases/{release_id}"


async def run(bootstrap: str, mongo_uri: str, events: int, rounds: int) -> dict[str, Any]:
    client = make_client(mongo_uri)
    database = f"bench_pages_{uuid.uuid4().hex[:8]}"
    report: dict[str, Any] = {
        "benchmark": "P4 release page, 50 concurrent",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "requests_per_round": events,
        "rounds": [],
    }
    try:
        async with (
            server(
                "system",
                _system_env(bootstrap, mongo_uri, database, cache=True),
                module="bench.page_servers",
            ) as system,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{system}") as http,
        ):
            path = await seed(http)
            page = await http.get(path)
            page.raise_for_status()
            report["page_bytes"] = len(page.content)
            size = ("--bytes", str(len(page.content)))
            async with server("baseline", {}, *size, module="bench.page_servers") as baseline:
                for _ in range(rounds):
                    bare = await measured(baseline, path, events)
                    ours = await _system_round(http, system, path, events, bare)
                    report["rounds"].append({"baseline": bare, "system": ours})
        report["median"] = _medians(report["rounds"])
        async with (
            server(
                "system",
                _system_env(bootstrap, mongo_uri, database, cache=False),
                module="bench.page_servers",
            ) as uncached,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{uncached}") as http,
        ):
            report["without_cache"] = await _system_round(http, uncached, path, events, None)
    finally:
        await client.drop_database(database)
        await client.close()
    return report


async def _system_round(
    http: httpx.AsyncClient, port: int, path: str, events: int, bare: dict[str, float] | None
) -> dict[str, Any]:
    await http.get("/__bench/commands")  # counts start here
    ours: dict[str, Any] = dict(await measured(port, path, events))
    counted = (await http.get("/__bench/commands")).json()
    ours["db_commands_per_request"] = {
        key: count / events for key, count in counted["by_collection"].items()
    }
    if bare is not None:
        ours["ratio_rps"] = ours["requests_per_s"] / bare["requests_per_s"]
        ours["ratio_p99"] = ours["p99_ms"] / bare["p99_ms"]
    return ours


def _medians(rows: list[dict[str, Any]]) -> dict[str, float]:
    return {
        "baseline_rps": statistics.median(r["baseline"]["requests_per_s"] for r in rows),
        "system_rps": statistics.median(r["system"]["requests_per_s"] for r in rows),
        "ratio_rps": statistics.median(r["system"]["ratio_rps"] for r in rows),
        "baseline_p99_ms": statistics.median(r["baseline"]["p99_ms"] for r in rows),
        "system_p99_ms": statistics.median(r["system"]["p99_ms"] for r in rows),
        "ratio_p99": statistics.median(r["system"]["ratio_p99"] for r in rows),
    }
