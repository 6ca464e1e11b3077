"""The publisher's release events in, through the real broker: releases open and close; a
malformed event goes to the dead-letter topic and the consumer moves on; a redelivered one is
applied once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from comments.adapters.page_scopes import release_part
from comments.config import CommentsSettings
from newsroom_shared import page_versions
from newsroom_shared.dlq.reader import open_dlq
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.events.publisher import ReleasePublished, ReleaseUpdated, ReleaseWithdrawn
from newsroom_shared.page_generations import version_key
from newsroom_testing.consumer import RawMessage, eventually, produce, produce_envelopes
from newsroom_testing.fixtures import drop_test_database

from .conftest import (
    A,
    B,
    comments_of,
    new_id,
    newsroom_of,
    ok,
    published,
    running,
    settings_for,
    staff,
)

pytestmark = pytest.mark.connected
PUBLISHER = "/newsroom/publisher"


@pytest.fixture
def consumer_settings(infra: Any, unique: str) -> CommentsSettings:
    return settings_for(infra, unique, consumers_enabled=True)


@pytest.fixture
async def api(
    consumer_settings: CommentsSettings, mongo_client: Any
) -> AsyncIterator[httpx.AsyncClient]:
    try:
        async with running(consumer_settings) as client:
            yield client
    finally:
        await drop_test_database(mongo_client, consumer_settings.database_name)


async def count(api: httpx.AsyncClient, release_id: str) -> httpx.Response:
    return await api.get(f"/v1/public/releases/{release_id}/comment-count")


async def test_a_release_opens_when_published_and_closes_when_withdrawn(
    api: httpx.AsyncClient, infra: Any
) -> None:
    event = published(A)
    await produce_envelopes(
        infra.kafka_bootstrap_servers,
        [envelope_for(e, source=PUBLISHER) for e in (newsroom_of(event), event)],
    )
    settings_url = f"/v1/newsrooms/{event.newsroom_id}/comment-settings"

    async def newsroom_known() -> bool:
        return (await api.get(settings_url, headers=staff(A))).status_code == 200

    await eventually(newsroom_known, "newsroom known", timeout_s=60)

    async def opened() -> bool:
        answer = await count(api, event.release_id)
        return answer.status_code == 200 and answer.json()["open"]

    await eventually(opened, "release open", timeout_s=60)
    updated = ReleaseUpdated(
        **{
            **event.model_dump(exclude={"published_at", "embargo_until", "version"}),
            "title": "Bigger news",
        },
        version=2,
        updated_at=datetime.now(UTC),
    )
    withdrawn = ReleaseWithdrawn(
        tenant_id=A,
        release_id=event.release_id,
        newsroom_id=event.newsroom_id,
        withdrawn_at=datetime.now(UTC),
    )
    await produce_envelopes(
        infra.kafka_bootstrap_servers,
        [envelope_for(updated, source=PUBLISHER), envelope_for(withdrawn, source=PUBLISHER)],
    )

    async def gone() -> bool:
        return (await count(api, event.release_id)).status_code == 404

    await eventually(gone, "release withdrawn", timeout_s=60)
    reader = comments_of(api).reader()
    stored = await reader.releases.get(A, event.release_id)
    assert stored is not None
    assert stored.withdrawn_at is not None
    # Each applied event raised the thread's page version in its own transaction (the cached
    # thread and count of every replica are dropped within a poll).
    versions = comments_of(api).runtime.db[page_versions.COLLECTION]
    key = version_key(A, release_part(event.release_id))
    raised = await versions.find_one({"_id": key})
    assert raised is not None
    assert (raised["tenant_id"], raised["version"] >= 2) == (A, True)
    await eventually(lambda: _title_is(api, event.release_id, "Bigger news"), timeout_s=60)


async def _title_is(api: httpx.AsyncClient, release_id: str, title: str) -> bool:
    stored = await comments_of(api).reader().releases.get(A, release_id)
    return stored is not None and stored.title == title


async def test_a_malformed_event_is_dead_lettered_and_a_redelivered_one_applied_once(
    api: httpx.AsyncClient, infra: Any, unique: str
) -> None:
    good = envelope_for(published(A), source=PUBLISHER)
    headers = {**good.headers(), "ce_id": f"broken-{unique}".encode()}
    broken = RawMessage(
        b'{"tenant_id": "tenant-a"}', f"broken-{unique}".encode(), list(headers.items())
    )
    await produce(infra.kafka_bootstrap_servers, ReleasePublished.topic, [broken])
    # The same event twice (a redelivery after a lost commit looks just like this), then the
    # same release id claimed by another tenant: never applied.
    event = ReleasePublished.model_validate_json(good.data)
    claimed = envelope_for(event.model_copy(update={"tenant_id": B}), source=PUBLISHER)
    await produce_envelopes(infra.kafka_bootstrap_servers, [good, good, claimed])

    db = comments_of(api).runtime.db
    inbox_key = f"{A}:comments.release-published:{good.id}"

    async def applied() -> bool:
        return await db["inbox"].find_one({"_id": inbox_key}) is not None

    await eventually(applied, "the good event applied", timeout_s=60)
    assert await db["inbox"].count_documents({"_id": inbox_key}) == 1
    assert await db["releases"].count_documents({"release_id": good.subject}) == 1

    async def dead_lettered() -> bool:
        dlq_topic = f"{ReleasePublished.topic}.dlq"
        async with open_dlq(infra.kafka_bootstrap_servers, dlq_topic, f"reader-{unique}") as dlq:
            ids = {dict(r.headers).get("ce_id") for r in await dlq.read({})}
        return {f"broken-{unique}".encode(), claimed.id.encode()} <= ids

    await eventually(dead_lettered, "both bad events in the dead-letter topic", timeout_s=60)
    [stored] = await db["releases"].find({"release_id": good.subject}).to_list()
    assert stored["tenant_id"] == A


async def test_comments_follow_the_release_through_the_broker(
    api: httpx.AsyncClient, infra: Any
) -> None:
    """Published on the wire, then commented on: the read model is what the API trusts."""
    event = published(A, release_id=new_id())
    await produce_envelopes(infra.kafka_bootstrap_servers, [envelope_for(event, source=PUBLISHER)])

    async def known() -> bool:
        return (await count(api, event.release_id)).status_code == 200

    await eventually(known, timeout_s=60)
    posted = await ok(
        api,
        "POST",
        f"/v1/public/releases/{event.release_id}/comments",
        201,
        json={"author_name": "Jane", "email": "jane@example.com", "text": "Hello"},
    )
    assert posted["status"] == "pending"  # the newsroom's default: pre-moderation
