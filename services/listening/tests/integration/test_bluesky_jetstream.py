"""Bluesky's Jetstream on the local servers against a fake Jetstream (a real websocket server on
loopback): one subscription across two replicas, posts only and uncompressed, a dropped
subscription resumed from the stored cursor minus the rewind, a malformed event skipped, and a
post reaching the two tenants whose queries match it and not a third.

Posts for every tenant stay on the shared internal topic, where the consumers of later tests
read them too: each test's posts say only words of its own (``unique``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from listening_fakes.auth import (
    api_settings,
    headers,
    listening_of,
    staff_api,
    staff_api_on_own_database,
    until_posts_in_outbox,
)
from listening_fakes.jetstream import DID, FakeJetstream

from listening.adapters.malformed import skipped_count
from listening.config import ListeningSettings
from listening.domain.dedupe import url_key
from newsroom_shared.events.listening import EVERY_TENANT, MentionDetected
from newsroom_testing.consumer import eventually
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
REWIND_S = 2.0


@pytest.fixture
async def jetstream() -> AsyncIterator[FakeJetstream]:
    async with FakeJetstream().serving() as fake:
        yield fake


def jetstream_settings(
    infra: Any, unique: str, fake: FakeJetstream, **overrides: Any
) -> ListeningSettings:
    values: dict[str, Any] = {
        "jetstream_enabled": True,
        "jetstream_endpoint": fake.url,
        "jetstream_lease_ttl_s": 3.0,
        "jetstream_flush_s": 0.05,
        "jetstream_rewind_s": REWIND_S,
        "jetstream_backoff_max_s": 0.05,
    }
    values.update(overrides)
    return api_settings(infra, unique, **values)


@pytest.fixture
async def api(
    infra: Any, unique: str, mongo_client: Any, jetstream: FakeJetstream
) -> AsyncIterator[httpx.AsyncClient]:
    settings = jetstream_settings(infra, unique, jetstream)
    async with staff_api_on_own_database(settings, mongo_client) as client:
        yield client


def url_of(event: dict[str, Any]) -> str:
    return f"https://bsky.app/profile/{DID}/post/{event['commit']['rkey']}"


async def test_posts_are_recorded_for_every_tenant_from_an_uncompressed_subscription(
    api: httpx.AsyncClient, jetstream: FakeJetstream, unique: str
) -> None:
    await eventually(lambda: jetstream.open_connections == 1, "the subscription")

    event = jetstream.post(f"Word{unique} is here", langs=("sv",))

    [post] = await until_posts_in_outbox(api, 1)
    assert post.tenant_id == EVERY_TENANT
    assert post.audience == "all"
    assert post.source_kind == "bluesky"
    assert post.url == url_of(event)
    assert post.language == "sv"
    assert jetstream.requests[0] == {
        "wantedCollections": "app.bsky.feed.post",
        "compress": "false",
    }


async def test_a_link_cards_title_is_matched_and_its_url_is_the_posts(
    api: httpx.AsyncClient, jetstream: FakeJetstream, unique: str
) -> None:
    await eventually(lambda: jetstream.open_connections == 1, "the subscription")
    article = f"https://news.example/{unique}?utm_source=bsky"

    event = jetstream.post("this!", link=(article, f"Word{unique} recalls", "All of them."))

    [post] = await until_posts_in_outbox(api, 1)
    assert post.text == f"this!\n\nWord{unique} recalls\n\nAll of them."
    assert (post.url, post.source_url) == (article, url_of(event))
    assert post.post_key == url_key(article)


async def test_a_dropped_subscription_resumes_from_the_cursor_minus_the_rewind(
    api: httpx.AsyncClient, jetstream: FakeJetstream, unique: str
) -> None:
    await eventually(lambda: jetstream.open_connections == 1, "the subscription")
    first = jetstream.post(f"First{unique}")
    await until_posts_in_outbox(api, 1)

    jetstream.drop()
    await eventually(lambda: len(jetstream.requests) == 2, "the reconnect")
    second = jetstream.post(f"Second{unique}")

    posts = await until_posts_in_outbox(api, 3)  # the first again (the rewind), then the second
    assert {p.url for p in posts} == {url_of(first), url_of(second)}
    rewound = first["time_us"] - int(REWIND_S * 1_000_000)
    assert jetstream.requests[1]["cursor"] == str(rewound)
    stored = await listening_of(api).runtime.db["jetstream_cursor"].find_one({})
    assert stored is not None
    assert stored["time_us"] == second["time_us"]


async def test_a_malformed_event_is_skipped_and_counted(
    api: httpx.AsyncClient, jetstream: FakeJetstream, unique: str
) -> None:
    await eventually(lambda: jetstream.open_connections == 1, "the subscription")
    before = skipped_count("bluesky")

    jetstream.publish('{"kind": "commit", "time_us": "not a time"}')
    event = jetstream.post(f"Fine{unique}")

    [post] = await until_posts_in_outbox(api, 1)
    assert post.url == url_of(event)
    assert skipped_count("bluesky") == before + 1
    assert len(jetstream.requests) == 1  # the subscription survived it


async def test_two_replicas_hold_one_subscription(
    infra: Any, unique: str, mongo_client: Any, jetstream: FakeJetstream
) -> None:
    settings = jetstream_settings(infra, unique, jetstream)
    apps = [staff_api(settings), staff_api(settings)]
    clients = [await app.__aenter__() for app in apps]
    running = list(apps)
    try:
        replicas = [listening_of(client) for client in clients]
        await eventually(lambda: jetstream.open_connections == 1, "the subscription")
        passes = [r.bluesky.loop.passes for r in replicas]
        await eventually(
            lambda: all(
                r.bluesky.loop.passes >= n + 2 for r, n in zip(replicas, passes, strict=True)
            ),
            "two more looks by each replica",
        )
        assert [r.bluesky.held.running for r in replicas].count(True) == 1
        assert jetstream.open_connections == 1

        holder = next(i for i, r in enumerate(replicas) if r.bluesky.held.running)
        await running.pop(holder).__aexit__(None, None, None)  # gives the lease up

        await eventually(lambda: replicas[1 - holder].bluesky.held.running, "the takeover")
        await eventually(lambda: jetstream.open_connections == 1, "the subscription again")
    finally:
        for app in running:
            await app.__aexit__(None, None, None)
        await drop_test_database(mongo_client, settings.database_name)


@pytest.mark.slow
async def test_a_post_reaches_the_two_tenants_whose_queries_match_and_not_a_third(
    infra: Any, unique: str, mongo_client: Any, jetstream: FakeJetstream
) -> None:
    settings = jetstream_settings(
        infra,
        unique,
        jetstream,
        consumers_enabled=True,
    )
    brand, fault = f"brand{unique}", f"fault{unique}"
    wanted = {
        f"a-{unique}": brand,
        f"b-{unique}": f"{brand} AND {fault}",
        f"c-{unique}": f"{brand} NOT {fault}",
    }
    try:
        async with staff_api(settings) as api:
            for tenant, text in wanted.items():
                answer = await api.post(
                    "/v1/queries", json={"name": "q", "text": text}, headers=headers(tenant)
                )
                assert answer.status_code == 201, answer.text
            await eventually(lambda: jetstream.open_connections == 1, "the subscription")
            matcher = listening_of(api).index
            await eventually(lambda: matcher.matcher.size == len(wanted), "the queries matched")

            event = jetstream.post(f"My {brand} shows a {fault} again")

            async def mentions_of(tenant: str) -> list[dict[str, Any]]:
                answer = await api.get("/v1/mentions", headers=headers(tenant))
                items: list[dict[str, Any]] = answer.json()["items"]
                return items

            a, b, c = wanted
            [of_a] = await eventually(lambda: mentions_of(a), "a's mention", timeout_s=60)
            [of_b] = await eventually(lambda: mentions_of(b), "b's mention", timeout_s=60)
            assert await mentions_of(c) == []
            assert of_a["url"] == of_b["url"] == url_of(event)
            assert of_a["source_kind"] == "bluesky"
            outbox = listening_of(api).runtime.db["outbox"]
            detected = [
                MentionDetected.model_validate_json(e["value"])
                async for document in outbox.find({})
                for e in document["events"]
                if e["topic"] == MentionDetected.topic
            ]
            assert sorted(d.tenant_id for d in detected) == sorted([a, b])
    finally:
        await drop_test_database(mongo_client, settings.database_name)
