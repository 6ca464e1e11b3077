"""Edited comments through the real broker and database: the mention takes the new text and
sentiment (its counts follow), an edit without the brand withdraws it, one that adds the brand
makes a new mention with its MentionDetected, a redelivered or older edit changes nothing, an
edit under another tenant touches nothing of ours, and a malformed one is dead-lettered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import pytest
from listening_fakes.auth import consumer_settings, headers, listening_of, staff_api_on_own_database

from newsroom_shared.dlq.reader import open_dlq
from newsroom_shared.events.base import Event
from newsroom_shared.events.comments import CommentEdited, CommentPosted
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.listening import MentionDetected, MentionUpdated
from newsroom_testing.consumer import RawMessage, eventually, produce, produce_envelopes

pytestmark = [pytest.mark.connected, pytest.mark.slow]
NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)
E = TypeVar("E", bound=Event)


@pytest.fixture
async def api(infra: Any, unique: str, mongo_client: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = consumer_settings(infra, unique)
    async with staff_api_on_own_database(settings, mongo_client) as client:
        yield client


async def send(api: httpx.AsyncClient, *events: Event) -> None:
    servers = listening_of(api).settings.kafka_bootstrap_servers
    envelopes = [envelope_for(event, source="/newsroom/comments") for event in events]
    await produce_envelopes(servers, envelopes)


async def new_query(api: httpx.AsyncClient, text: str, tenant: str) -> str:
    answer = await api.post(
        "/v1/queries", json={"name": text, "text": text}, headers=headers(tenant)
    )
    assert answer.status_code == 201, answer.text
    query_id: str = answer.json()["id"]
    return query_id


async def mentions_of(api: httpx.AsyncClient, tenant: str, **params: str) -> list[dict[str, Any]]:
    answer = await api.get("/v1/mentions", params=params, headers=headers(tenant))
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def outbox_events(api: httpx.AsyncClient, kind: type[E], tenant: str) -> list[E]:
    outbox = listening_of(api).runtime.db["outbox"]
    return [
        kind.model_validate_json(event["value"])
        async for document in outbox.find({})
        for event in document["events"]
        if event["topic"] == kind.topic and event["tenant_id"] == tenant
    ]


async def counters(api: httpx.AsyncClient, tenant: str, query_id: str) -> tuple[int, int]:
    """The query's mentions and negative mentions over every hour."""
    found = (
        await listening_of(api)
        .runtime.db["query_activity"]
        .find_one({"_id": query_id, "tenant_id": tenant})
    )
    buckets = [] if found is None else list(found.get("buckets", {}).values())
    return sum(b.get("c", 0) for b in buckets), sum(b.get("n", 0) for b in buckets)


def comment(tenant: str, comment_id: str, text: str) -> CommentPosted:
    return CommentPosted(
        tenant_id=tenant,
        comment_id=comment_id,
        release_id="r1",
        newsroom_id="n1",
        author_name="Jane",
        body_text=text,
        posted_at=NOW,
        status="approved",
    )


def edit(tenant: str, comment_id: str, text: str, minutes: int) -> CommentEdited:
    return CommentEdited(
        tenant_id=tenant,
        comment_id=comment_id,
        release_id="r1",
        newsroom_id="n1",
        body_text=text,
        status="approved",
        edited_at=NOW + timedelta(minutes=minutes),
    )


async def until(check: Any, what: str) -> Any:
    return await eventually(check, what, timeout_s=60)


async def test_an_edit_to_anger_rescores_and_a_stale_or_repeated_edit_changes_nothing(
    api: httpx.AsyncClient, unique: str
) -> None:
    tenant, cid = f"t-{unique}", f"c-{unique}"
    query_id = await new_query(api, "roadrunner", tenant)
    await send(api, comment(tenant, cid, "The Roadrunner arrived today"))

    async def one_mention() -> list[dict[str, Any]]:
        return await mentions_of(api, tenant)

    [first] = await until(one_mention, "the comment's mention")
    assert first["sentiment_label"] == "neutral"
    assert await counters(api, tenant, query_id) == (1, 0)

    angry = edit(tenant, cid, "The Roadrunner arrived broken and I hate it", 5)
    stale = edit(tenant, cid, "The Roadrunner arrived and I love it", 2)
    # The angry edit twice, an older one, then a marker edit: once the marker is applied, the
    # three before it were consumed (one key, one partition, in order).
    marker = edit(tenant, cid, "The Roadrunner arrived broken and I really hate it", 9)
    await send(api, angry)

    async def angry_applied() -> dict[str, Any] | None:
        [mention] = await mentions_of(api, tenant)
        return mention if mention["sentiment_label"] == "negative" else None

    revised = await until(angry_applied, "the edit applied")
    assert (revised["id"], revised["text"]) == (first["id"], angry.body_text)
    assert revised["edited_at"].startswith("2030-01-01T09:05")
    assert await counters(api, tenant, query_id) == (1, 1)
    counts = await api.get("/v1/mention-counts", headers=headers(tenant))
    assert {(row["sentiment"], row["count"]) for row in counts.json()["items"]} == {("negative", 1)}

    await send(api, angry, stale, marker)

    async def marker_applied() -> bool:
        [mention] = await mentions_of(api, tenant)
        return bool(mention["text"] == marker.body_text)

    await until(marker_applied, "the marker edit")
    updates = await outbox_events(api, MentionUpdated, tenant)
    assert [event.edited_at for event in updates] == [angry.edited_at, marker.edited_at]
    assert updates[0].sentiment_label == "negative"
    assert len(await outbox_events(api, MentionDetected, tenant)) == 1
    assert await counters(api, tenant, query_id) == (1, 1)


async def test_an_edit_without_the_brand_withdraws_and_one_with_it_detects(
    api: httpx.AsyncClient, unique: str
) -> None:
    tenant = f"t-{unique}"
    query_id = await new_query(api, "roadrunner", tenant)
    named, unnamed = f"c1-{unique}", f"c2-{unique}"
    await send(api, comment(tenant, named, "My Roadrunner is fine"))
    await send(api, comment(tenant, unnamed, "My bird is fine"))

    async def one_mention() -> list[dict[str, Any]]:
        return await mentions_of(api, tenant)

    [mention] = await until(one_mention, "the named comment's mention")
    await send(api, edit(tenant, named, "My bird is fine too", 5))
    await send(api, edit(tenant, unnamed, "My Roadrunner is great", 5))

    async def both_applied() -> bool:
        out = await mentions_of(api, tenant, taken_down="true")
        return len(out) == 1 and len(await mentions_of(api, tenant)) == 1

    await until(both_applied, "one withdrawn, one new")
    [gone] = await mentions_of(api, tenant, taken_down="true")
    assert (gone["id"], gone["withdrawn"], gone["query_ids"]) == (mention["id"], "edited", [])
    [new] = await mentions_of(api, tenant)
    assert (new["text"], new["query_ids"]) == ("My Roadrunner is great", [query_id])
    detected = await outbox_events(api, MentionDetected, tenant)
    assert sorted(event.mention_id for event in detected) == sorted([mention["id"], new["id"]])
    [update] = await outbox_events(api, MentionUpdated, tenant)
    assert (update.mention_id, update.withdrawn, update.removed_query_ids) == (
        mention["id"],
        "edited",
        [query_id],
    )
    # Counted once: the new mention; the withdrawn one left its hour.
    assert await counters(api, tenant, query_id) == (1, 0)


async def test_an_edit_under_another_tenant_touches_nothing_and_a_malformed_one_is_dead_lettered(
    api: httpx.AsyncClient, unique: str
) -> None:
    ours, theirs, cid = f"t-{unique}", f"u-{unique}", f"c-{unique}"
    await new_query(api, "roadrunner", ours)
    await new_query(api, "roadrunner", theirs)
    await send(api, comment(ours, cid, "My Roadrunner is fine"))

    async def one_mention() -> list[dict[str, Any]]:
        return await mentions_of(api, ours)

    [mention] = await until(one_mention, "our mention")
    # Another tenant's event naming our comment's id: comment ids are unique across tenants
    # (the comments service makes them), so the comment record (keyed by the id) refuses it
    # and it ends as a dead letter, having changed nothing of ours.
    forged = envelope_for(edit(theirs, cid, "Their Roadrunner is broken", 5), source="/x")
    bad_headers = [(name, value) for name, value in forged.headers().items() if name != "ce_id"]
    marker = f"bad-{unique}".encode()
    servers = listening_of(api).settings.kafka_bootstrap_servers
    malformed = RawMessage(
        b'{"tenant_id": "' + marker + b'"}', cid.encode(), [*bad_headers, ("ce_id", marker)]
    )
    await produce(servers, CommentEdited.topic, [malformed])
    await produce_envelopes(servers, [forged])

    async def both_dead_letters() -> bool:
        async with open_dlq(servers, f"{CommentEdited.topic}.dlq", f"reader-{unique}") as dlq:
            values = [record.value or b"" for record in await dlq.read({})]
        return any(marker in value for value in values) and any(
            b"Their Roadrunner" in value for value in values
        )

    assert await until(both_dead_letters, "the malformed and the forged edit dead-lettered")
    assert await mentions_of(api, ours) == [mention]
    assert await mentions_of(api, theirs) == []
    assert await outbox_events(api, MentionUpdated, ours) == []
