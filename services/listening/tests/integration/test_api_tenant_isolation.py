"""Tenant B's key on tenant A's resources: 404 on every staff route that names one (listed
from the OpenAPI, so a new route must be added here), B's listings are empty, and A's data
stays as it was."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from listening_fakes.auth import app_of, headers, listening_of

from listening.domain.mentions import Mention, Sentiment

pytestmark = pytest.mark.connected
A, B = "tenant-a", "tenant-b"
PUBLIC = ("/v1/inbound", "/healthz", "/readyz", "/metrics")


async def ok(api: httpx.AsyncClient, method: str, url: str, status: int = 200, **kw: Any) -> Any:
    answer = await api.request(method, url, headers=headers(A), **kw)
    assert answer.status_code == status, answer.text
    return answer.json() if answer.content else None


async def a_data(api: httpx.AsyncClient) -> dict[str, str]:
    query = await ok(api, "POST", "/v1/queries", 201, json={"name": "Brand", "text": "acme"})
    source = await ok(api, "POST", "/v1/sources/webhooks", 201, json={"name": "Zapier"})
    feed = await ok(
        api, "POST", "/v1/sources/feeds", 201, json={"url": "https://feeds.example/a.rss"}
    )

    timeline = {"instance_url": "https://mastodon.example", "timeline": "public"}
    mastodon = await ok(api, "POST", "/v1/sources/mastodon", 201, json=timeline)
    mention = Mention(
        id="m1",
        tenant_id=A,
        post_key="k1",
        dedupe_key="k1",
        signature=(1,) * 64,
        source_kind="webhook",
        source_url="urn:x",
        text="acme",
        url=None,
        author=None,
        language="en",
        query_ids=(query["id"],),
        matched_terms=("acme",),
        sentiment=Sentiment(-0.5, "negative"),
        detected_at=datetime.now(UTC),
        published_at=None,
    )
    async with listening_of(api).uow() as uow:
        await uow.mentions.add(mention)
    return {
        "{query_id}": query["id"],
        "{source_id}": source["id"],
        "{mention_id}": "m1",
        "{feed_id}": feed["id"],
        "{mastodon_source_id}": mastodon["id"],
    }


async def snapshot(api: httpx.AsyncClient, ids: dict[str, str]) -> dict[str, Any]:
    return {
        "query": await ok(api, "GET", f"/v1/queries/{ids['{query_id}']}"),
        "queries": await ok(api, "GET", "/v1/queries"),
        "mention": await ok(api, "GET", "/v1/mentions/m1"),
        "mentions": await ok(api, "GET", "/v1/mentions"),
        "counts": await ok(api, "GET", "/v1/mention-counts"),
        "sources": await ok(api, "GET", "/v1/sources/webhooks"),
        "feed": await ok(api, "GET", f"/v1/sources/feeds/{ids['{feed_id}']}"),
        "feeds": await ok(api, "GET", "/v1/sources/feeds"),
        "mastodon": await ok(api, "GET", "/v1/sources/mastodon"),
    }


async def test_another_tenant_gets_404_on_every_staff_route_and_changes_nothing(
    api: httpx.AsyncClient,
) -> None:
    ids = await a_data(api)
    before = await snapshot(api, ids)
    bodies = {
        ("PATCH", "/v1/queries/{query_id}"): {"name": "Taken over", "text": "coyote"},
        ("PATCH", "/v1/mentions/{mention_id}"): {"handled": True, "assignee": "mallory"},
    }
    named: list[tuple[str, str]] = []
    for path, operations in app_of(api).openapi()["paths"].items():
        if path.startswith(PUBLIC) or "{" not in path:
            continue
        named.extend((method.upper(), path) for method in operations)
    assert len(named) == 10, named  # a new route is tried here automatically; count it
    for method, path in named:
        url = path
        for placeholder, value in ids.items():
            url = url.replace(placeholder, value)
        answer = await api.request(method, url, json=bodies.get((method, path)), headers=headers(B))
        assert answer.status_code == 404, f"{method} {url}: {answer.status_code} {answer.text}"
        assert answer.json()["code"] == "not_found"

    assert await snapshot(api, ids) == before
    for listing in (
        "/v1/queries",
        "/v1/mentions",
        "/v1/sources/webhooks",
        "/v1/sources/feeds",
        "/v1/sources/mastodon",
    ):
        answer = await api.get(listing, headers=headers(B))
        assert answer.json()["items"] == [], listing
    counts = await api.get("/v1/mention-counts", headers=headers(B))
    assert counts.json() == {"items": []}
    assert listing_paths(api) == {
        "/v1/queries",
        "/v1/mentions",
        "/v1/mention-counts",
        "/v1/sources/webhooks",
        "/v1/sources/feeds",
        "/v1/sources/mastodon",
    }


def listing_paths(api: httpx.AsyncClient) -> set[str]:
    """Staff routes that name nothing: listings and creations (all checked above)."""
    paths = app_of(api).openapi()["paths"]
    return {path for path in paths if "{" not in path and not path.startswith(PUBLIC)}
