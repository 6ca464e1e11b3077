"""Benchmark P8 (second half): the widget's thread endpoint, requests per second and p99 at 50
concurrent connections, against a bare FastAPI endpoint returning the same JSON, same run.

System: the comments app in its own process (``bench/thread_servers.py system``: the app as
``python -m comments`` builds it, one uvicorn worker), ``GET
/v1/public/releases/{id}/comments?limit=20`` of a release with 30 top-level comments, each with
two replies, ten of them with an official reply too (the page: the 20 newest top-level
comments and their 46 replies, 18.7 KB of JSON). The app runs with its defaults, so the
answer comes from the cache of public answers (``newsroom_shared.http.page_cache``: after the
first request a hit skips routing, the per-client limit's dependency and the database; the
per-client bucket is still taken). After the cached rounds, one round of the system with the
cache off (``COMMENTS_PAGE_CACHE_MAX_BYTES=0``): every request runs the route (the
per-client limit, the release from the read cache, the page's top-level comments with their
replies from MongoDB, the answer built and validated).

Baseline, same run, same machine: ``thread_servers.py baseline``, a bare FastAPI route at the
same path returning that very JSON (the system's answer, as a dict), the same uvicorn options.

Load: ``bench/http_load.py``, 50 keep-alive connections, ``--events`` requests a round, after
200 warm-up requests; rounds alternate baseline and system. The report gives each round's
requests/s, p50 and p99, the median ratio, and the system's database commands per request
(they carry over to MongoDB; the local server's speed does not, see bench/README.md).
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from bson import ObjectId

from bench.comment_acceptance import fresh_db
from bench.http_load import load
from comments.adapters.mongo.releases import MongoReleases
from comments.adapters.mongo.settings import MongoSettings
from comments.adapters.mongo.unit_of_work import MongoUnitOfWork
from comments.adapters.rate_limits import SharedEmailRateLimit
from comments.adapters.read_cache import ReadCaches
from comments.adapters.tokens import SignedAuthorTokens
from comments.domain.releases import KnownRelease
from comments.domain.settings import CommentSettings, ModerationMode
from comments.service.ports import Deps, Staff, Visitor
from comments.service.posting import NewComment, post_comment
from comments.service.replies import official_reply
from newsroom_shared.clock import SystemClock
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.http.shared_limits import SharedRateLimits
from newsroom_shared.mongo import Database, make_client
from newsroom_shared.outbox import Outbox

CONNECTIONS = 50
WARM_UP = 200
TENANT = "bench-tenant"
ROOT = Path(__file__).resolve().parents[1]


def _deps(db: Database) -> Deps:
    clock = SystemClock()
    return Deps(
        clock=clock,
        tokens=SignedAuthorTokens(["bench-key"], clock=lambda: clock.now().timestamp()),
        digest_key=b"bench-digest-key",
        email_rate=SharedEmailRateLimit(SharedRateLimits(db), per_minute=1_000_000),
        edit_window_s=900,
    )


async def seed(client: Any, db: Database) -> str:
    """A release with 30 top-level comments, two replies each, ten official replies; its id."""
    release_id, newsroom_id = str(ObjectId()), str(ObjectId())
    now = datetime.now(UTC)
    await MongoReleases(db).put(
        KnownRelease(TENANT, release_id, newsroom_id, "Big news", "https://x", 1, now)
    )
    await MongoSettings(db).put(
        CommentSettings(TENANT, newsroom_id, mode=ModerationMode.post, open_days=30)
    )
    deps, outbox, caches = _deps(db), Outbox(db), ReadCaches.of(5.0)

    def uow() -> MongoUnitOfWork:
        return MongoUnitOfWork(
            client, db, outbox, lambda e: envelope_for(e, source="/bench"), caches
        )

    async def post(n: int, text: str, parent_id: str | None = None) -> str:
        new = NewComment(release_id, f"Reader {n}", f"reader{n}@example.org", text, parent_id)
        posted = await post_comment(uow(), deps, Visitor(client=f"198.51.100.{n % 250}"), new)
        return posted.comment.id

    staff = Staff(tenant_id=TENANT, key_id="bench-key")
    for n in range(30):
        top = await post(n, f"Comment {n}: <em>finally</em> a product that does what it says.")
        for r in range(2):
            await post(1000 + n * 2 + r, f"Reply {r} to {n}: I tried it, see the review.", top)
        if n % 3 == 0:
            text = f"Thank you, reader {n}: it ships in <strong>March</strong>."
            await official_reply(uow(), deps, staff, top, "Acme Press Office", text)
    return release_id


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def server(
    kind: str, env: dict[str, str], *extra: str, module: str = "bench.thread_servers"
) -> AsyncIterator[int]:
    """``<module> <kind>`` (``thread_servers.py`` by default) in its own process, once it
    answers; its port."""
    port = _free_port()
    command = [sys.executable, "-m", module, kind, "--port", str(port), *extra]
    process = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env={**os.environ, **env})
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(600):
                try:
                    await http.get("/openapi.json")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        yield port
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)


def _system_env(
    bootstrap: str, mongo_uri: str, database: str, *, cache: bool = True
) -> dict[str, str]:
    env = {
        "COMMENTS_MONGODB_URI": mongo_uri,
        "COMMENTS_MONGODB_DATABASE": database,
        "COMMENTS_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "COMMENTS_CONSUMERS_ENABLED": "false",
        "COMMENTS_PUBLIC_RATE_PER_MINUTE": str(10**9),
        "COMMENTS_PUBLIC_RATE_BURST": str(10**9),
        "COMMENTS_AUTHOR_TOKEN_KEYS": "bench-key",
        "COMMENTS_EMAIL_HASH_KEY": "bench-digest-key",
        "COMMENTS_LOG_LEVEL": "WARNING",
    }
    if not cache:
        env["COMMENTS_PAGE_CACHE_MAX_BYTES"] = "0"
    return env


async def measured(port: int, path: str, requests: int) -> dict[str, float]:
    await load(port, path, WARM_UP, CONNECTIONS)
    return (await load(port, path, requests, CONNECTIONS)).report()


async def _system_round(
    http: httpx.AsyncClient, port: int, path: str, events: int
) -> dict[str, Any]:
    commands_url = f"http://127.0.0.1:{port}/__bench/commands"
    await http.get(commands_url)  # counts start here
    ours: dict[str, Any] = dict(await measured(port, path, events))
    counted = (await http.get(commands_url)).json()
    ours["db_commands_per_request"] = {
        key: count / (events + WARM_UP) for key, count in counted["by_collection"].items()
    }
    return ours


async def run(bootstrap: str, mongo_uri: str, events: int, rounds: int) -> dict[str, Any]:
    client = make_client(mongo_uri)
    db = await fresh_db(client, "thread")
    report: dict[str, Any] = {
        "benchmark": "P8 thread endpoint, 50 concurrent",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "requests_per_round": events,
        "connections": CONNECTIONS,
        "rounds": [],
    }
    try:
        release_id = await seed(client, db)
        path = f"/v1/public/releases/{release_id}/comments?limit=20"
        env = _system_env(bootstrap, mongo_uri, db.name)
        async with server("system", env) as system, httpx.AsyncClient() as http:
            answer = await http.get(f"http://127.0.0.1:{system}{path}")
            answer.raise_for_status()
            report["answer_bytes"] = len(answer.content)
            with tempfile.TemporaryDirectory() as folder:
                body = Path(folder) / "thread.json"
                body.write_bytes(answer.content)  # once, before any load
                async with server("baseline", {}, "--body", str(body)) as baseline:
                    for _ in range(rounds):
                        bare = await measured(baseline, path, events)
                        ours = await _system_round(http, system, path, events)
                        ours["ratio_rps"] = ours["requests_per_s"] / bare["requests_per_s"]
                        report["rounds"].append({"baseline": bare, "system": ours})
        uncached_env = _system_env(bootstrap, mongo_uri, db.name, cache=False)
        async with server("system", uncached_env) as uncached, httpx.AsyncClient() as http:
            report["without_cache"] = await _system_round(http, uncached, path, events)
        rows = report["rounds"]
        report["median"] = {
            "baseline_rps": statistics.median(r["baseline"]["requests_per_s"] for r in rows),
            "system_rps": statistics.median(r["system"]["requests_per_s"] for r in rows),
            "ratio_rps": statistics.median(r["system"]["ratio_rps"] for r in rows),
            "baseline_p99_ms": statistics.median(r["baseline"]["p99_ms"] for r in rows),
            "system_p99_ms": statistics.median(r["system"]["p99_ms"] for r in rows),
        }
    finally:
        await client.drop_database(db.name)
        await client.close()
    return report
