"""The pipeline through the real broker and database: a comment and a signed webhook become
mentions with their MentionDetected in the outbox; a redelivered post changes nothing; a
malformed one goes to the dead-letter topic and the consumer moves on."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from listening_fakes.auth import (
    api_settings,
    consumer_settings,
    headers,
    listening_of,
    staff_api,
    staff_api_on_own_database,
)
from standardwebhooks.webhooks import Webhook

from newsroom_shared.dlq.reader import open_dlq
from newsroom_shared.events.comments import CommentModerated, CommentPosted
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.listening import MentionDetected, PostFetched
from newsroom_shared.events.publisher import ReleasePublished
from newsroom_testing.consumer import RawMessage, eventually, produce, produce_envelopes
from newsroom_testing.fixtures import drop_test_database

# Slow: the app runs its consumers, and each takes seconds to join its group.
pytestmark = [pytest.mark.connected, pytest.mark.slow]
A = "tenant-a"
NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)


@pytest.fixture
async def api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = consumer_settings(infra, unique)
    async with staff_api_on_own_database(settings, mongo_client) as client:
        yield client


def kafka(api: httpx.AsyncClient) -> str:
    servers: str = listening_of(api).settings.kafka_bootstrap_servers
    return servers


async def new_query(api: httpx.AsyncClient, text: str, tenant: str) -> str:
    answer = await api.post(
        "/v1/queries", json={"name": text, "text": text}, headers=headers(tenant)
    )
    assert answer.status_code == 201, answer.text
    query_id: str = answer.json()["id"]
    return query_id


async def mentions_of(api: httpx.AsyncClient, tenant: str) -> list[dict[str, Any]]:
    answer = await api.get("/v1/mentions", headers=headers(tenant))
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def detected_events(api: httpx.AsyncClient, tenant: str) -> list[MentionDetected]:
    outbox = listening_of(api).runtime.db["outbox"]
    return [
        MentionDetected.model_validate_json(event["value"])
        async for document in outbox.find({})
        for event in document["events"]
        if event["topic"] == MentionDetected.topic and event["tenant_id"] == tenant
    ]


async def until_mentions(api: httpx.AsyncClient, tenant: str, count: int) -> list[dict[str, Any]]:
    async def enough() -> list[dict[str, Any]] | None:
        found = await mentions_of(api, tenant)
        return found if len(found) >= count else None

    found: list[dict[str, Any]] = await eventually(enough, timeout_s=60)
    return found


def post(tenant: str, key: str, text: str, url: str | None = None) -> PostFetched:
    return PostFetched(
        tenant_id=tenant,
        post_key=key,
        source_kind="webhook",
        source_url="urn:test",
        text=text,
        url=url,
        fetched_at=NOW,
    )


async def test_a_comment_on_our_release_becomes_a_mention_of_it(
    api: httpx.AsyncClient, unique: str
) -> None:
    tenant = f"t-{unique}"
    query_id = await new_query(api, "roadrunner", tenant)
    release = ReleasePublished(
        tenant_id=tenant,
        release_id=f"r-{unique}",
        newsroom_id="n1",
        newsroom_slug="acme",
        slug="roadrunner-2",
        title="Roadrunner 2",
        language="en",
        url=f"https://news.example/acme/releases/r-{unique}",
        version=1,
        published_at=NOW,
    )
    comment = CommentPosted(
        tenant_id=tenant,
        comment_id=f"c-{unique}",
        release_id=release.release_id,
        newsroom_id="n1",
        author_name="Jane",
        body_text="My Roadrunner 2 is broken and support is useless",
        posted_at=NOW,
        status="approved",
    )
    await produce_envelopes(kafka(api), [envelope_for(release, source="/newsroom/publisher")])
    db = listening_of(api).runtime.db

    async def release_known() -> bool:
        return await db["releases"].find_one({"tenant_id": tenant}) is not None

    await eventually(release_known, timeout_s=60)
    await produce_envelopes(kafka(api), [envelope_for(comment, source="/newsroom/comments")])

    [mention] = await until_mentions(api, tenant, 1)
    assert mention["source_kind"] == "comment"
    assert mention["source_url"] == release.url
    assert mention["release_id"] == release.release_id
    assert mention["query_ids"] == [query_id]
    assert (mention["sentiment_label"], mention["language"]) == ("negative", "en")
    [event] = await detected_events(api, tenant)
    assert event.mention_id == mention["id"]
    assert event.release_id == release.release_id


async def test_a_signed_webhook_becomes_a_mention(api: httpx.AsyncClient, unique: str) -> None:
    tenant = f"t-{unique}"
    await new_query(api, f'"acme {unique}"', tenant)
    made = await api.post("/v1/sources/webhooks", json={"name": "Zapier"}, headers=headers(tenant))
    assert made.status_code == 201, made.text
    source = made.json()
    assert source["inbound_url"].startswith("https://news.example/api/listening/v1/inbound/")
    body = json.dumps(
        {
            "text": f"I love Acme {unique}!",
            "url": f"https://blog.example/{unique}",
            "language": "en",
        }
    )
    moment = datetime.now(UTC)
    signed = {
        "webhook-id": f"msg_{unique}",
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(source["secret"]).sign(f"msg_{unique}", moment, body),
        "content-type": "application/json",
    }
    inbound = f"/v1/inbound/webhooks/{source['id']}"
    assert (await api.post(inbound, content=body, headers=signed)).status_code == 202
    forged = {**signed, "webhook-signature": "v1,AAAA"}
    refused = await api.post(inbound, content=body, headers=forged)
    assert (refused.status_code, refused.json()["code"]) == (400, "bad_signature")

    [mention] = await until_mentions(api, tenant, 1)
    assert (mention["source_kind"], mention["sentiment_label"]) == ("webhook", "positive")
    assert mention["url"] == f"https://blog.example/{unique}"


async def test_a_redelivered_post_is_one_mention(api: httpx.AsyncClient, unique: str) -> None:
    tenant = f"t-{unique}"
    await new_query(api, "anvil", tenant)
    first = envelope_for(post(tenant, "k1", "An anvil fell on the coyote"), source="/x")
    # The same event twice, then a marker on the same partition (same key; another post by its
    # URL): once the marker is stored, the duplicate was consumed before it.
    marker = envelope_for(
        post(tenant, "k1", "Another anvil, other words entirely", url="https://x.example/2"),
        source="/x",
    )
    await produce_envelopes(kafka(api), [first, first, marker])

    found = await until_mentions(api, tenant, 2)
    assert len(found) == 2
    assert len(await detected_events(api, tenant)) == 2
    # The spike watch counted each mention once too.
    activity = listening_of(api).runtime.db["query_activity"]
    [counters] = await activity.find({"tenant_id": tenant}).to_list()
    assert sum(bucket["c"] for bucket in counters["buckets"].values()) == 2


async def test_a_comment_taken_down_by_moderation_leaves_the_inbox(
    api: httpx.AsyncClient, unique: str
) -> None:
    tenant = f"t-{unique}"
    await new_query(api, "roadrunner", tenant)
    comment = CommentPosted(
        tenant_id=tenant,
        comment_id=f"c-{unique}",
        release_id=f"r-{unique}",
        newsroom_id="n1",
        author_name="Spammer",
        body_text="Cheap Roadrunner pills here",
        posted_at=NOW,
        status="pending",
    )
    await produce_envelopes(kafka(api), [envelope_for(comment, source="/newsroom/comments")])
    [mention] = await until_mentions(api, tenant, 1)
    decision = CommentModerated(
        tenant_id=tenant,
        comment_id=comment.comment_id,
        release_id=comment.release_id,
        decision="spam",
        moderated_at=NOW,
    )
    await produce_envelopes(kafka(api), [envelope_for(decision, source="/newsroom/comments")])

    async def left_the_inbox() -> bool:
        return await mentions_of(api, tenant) == []

    assert await eventually(left_the_inbox, timeout_s=60)
    answer = await api.get("/v1/mentions", params={"taken_down": "true"}, headers=headers(tenant))
    [taken_down] = answer.json()["items"]
    assert (taken_down["id"], taken_down["taken_down"]) == (mention["id"], "spam")


async def test_a_malformed_post_is_dead_lettered_and_the_next_applies(
    api: httpx.AsyncClient, unique: str
) -> None:
    tenant = f"t-{unique}"
    await new_query(api, "anvil", tenant)
    good = envelope_for(post(tenant, "k2", "Acme anvil"), source="/x")
    bad_headers = [(name, value) for name, value in good.headers().items() if name != "ce_id"]
    marker = f"bad-{unique}".encode()
    await produce(
        kafka(api),
        PostFetched.topic,
        [RawMessage(b'{"tenant_id": "' + marker + b'"}', b"k2", [*bad_headers, ("ce_id", marker)])],
    )
    await produce_envelopes(kafka(api), [good])
    await until_mentions(api, tenant, 1)

    async def dead_letter() -> bool:
        async with open_dlq(kafka(api), f"{PostFetched.topic}.dlq", f"reader-{unique}") as dlq:
            return any(record.value and marker in record.value for record in await dlq.read({}))

    assert await eventually(dead_letter, timeout_s=60)


async def test_inbound_deliveries_are_limited_per_source(
    infra: Any, unique: str, mongo_client: Any
) -> None:
    settings = api_settings(infra, unique, inbound_rate_per_minute=1, inbound_rate_burst=2)
    try:
        async with staff_api(settings) as api:
            made = await api.post(
                "/v1/sources/webhooks", json={"name": "Zapier"}, headers=headers(A)
            )
            inbound = f"/v1/inbound/webhooks/{made.json()['id']}"
            statuses = [(await api.post(inbound, content=b"{}")).status_code for _ in range(3)]
            assert statuses == [400, 400, 429]  # unsigned: refused, then limited before checking
            other = await api.post("/v1/inbound/webhooks/another-source", content=b"{}")
            assert other.status_code == 404  # another source has its own bucket
    finally:
        await drop_test_database(mongo_client, settings.database_name)
