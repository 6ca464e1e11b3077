"""A feed's new entry naming a query's term, end to end through the real broker: poller,
PostFetched on the internal topic, the matcher, a stored mention (source rss) and its
MentionDetected in the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from listening_fakes.auth import api_settings, headers, listening_of, staff_api_on_own_database
from listening_fakes.feed_server import Entry, FakeFeed, FeedServer, serving

from newsroom_shared.events.listening import MentionDetected
from newsroom_testing.consumer import eventually

# Slow: the app runs its consumers, and each takes seconds to join its group.
pytestmark = [pytest.mark.connected, pytest.mark.slow]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with serving() as fake:
        yield fake


@pytest.fixture
async def api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = api_settings(
        infra,
        unique,
        consumers_enabled=True,
        allow_insecure_urls=True,  # the fake feed server is on loopback, over http
    )
    async with staff_api_on_own_database(settings, mongo_client) as client:
        yield client


async def test_a_feed_entry_naming_a_term_becomes_a_mention(
    api: httpx.AsyncClient, server: FeedServer, unique: str
) -> None:
    tenant = f"t-{unique}"
    query = await api.post(
        "/v1/queries", json={"name": "RR", "text": "roadrunner"}, headers=headers(tenant)
    )
    assert query.status_code == 201, query.text
    server.feeds["/news.rss"] = FakeFeed(
        "rss",
        [
            Entry("1", "The Roadrunner 2 is out", "<p>Fast, I love it.</p>", "https://b.example/1"),
            Entry("2", "Weather today", "<p>Rain.</p>", "https://b.example/2"),
        ],
    )
    feed = await api.post(
        "/v1/sources/feeds", json={"url": server.url("/news.rss")}, headers=headers(tenant)
    )
    assert feed.status_code == 201, feed.text
    assert await listening_of(api).poll_feeds() == 1

    async def mentions() -> list[dict[str, Any]]:
        answer = await api.get("/v1/mentions", headers=headers(tenant))
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    found: list[dict[str, Any]] = await eventually(mentions, timeout_s=60)
    [mention] = found
    assert mention["source_kind"] == "rss"
    assert mention["url"] == "https://b.example/1"
    assert mention["query_ids"] == [query.json()["id"]]
    outbox = listening_of(api).runtime.db["outbox"]
    detected = [
        MentionDetected.model_validate_json(event["value"])
        async for document in outbox.find({})
        for event in document["events"]
        if event["topic"] == MentionDetected.topic and event["tenant_id"] == tenant
    ]
    assert [(d.mention_id, d.source_kind, d.source_url) for d in detected] == [
        (mention["id"], "rss", server.url("/news.rss"))
    ]
