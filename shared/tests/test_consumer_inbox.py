"""The inbox repository against the real database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsroom_shared.consumer.inbox import TTL_INDEX, Inbox
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.mongo import Database, transaction
from newsroom_testing.consumer import thing_event_on

pytestmark = pytest.mark.connected

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def received(event_id: str, tenant: str) -> ReceivedEvent:
    data = thing_event_on("t")(tenant_id=tenant, thing_id="x")
    return ReceivedEvent(event_id, "type", "source", tenant, data)


async def ttl_of(database: Database) -> int:
    indexes = await database.inbox.index_information()
    return int(indexes[TTL_INDEX]["expireAfterSeconds"])


async def test_recorded_events_are_found_per_tenant_and_consumer(database: Database) -> None:
    inbox = Inbox(database, "things", ttl_s=60, clock=lambda: NOW)
    await inbox.ensure_indexes()
    async with transaction(database.client) as session:
        await inbox.record(session, [received("e1", "tenant-a")])

    async with transaction(database.client) as session:
        same_id_elsewhere = [received("e1", "tenant-b"), received("e1", "tenant-a")]
        assert await inbox.applied(session, same_id_elsewhere) == {"tenant-a:things:e1"}
        other_consumer = Inbox(database, "others", ttl_s=60)
        assert await other_consumer.applied(session, [received("e1", "tenant-a")]) == set()

    document = await database.inbox.find_one({"tenant_id": "tenant-a"})
    assert document == {
        "_id": "tenant-a:things:e1",
        "tenant_id": "tenant-a",
        "consumer": "things",
        "event_id": "e1",
        "applied_at": NOW,
    }


async def test_a_changed_ttl_updates_the_index_in_place(database: Database) -> None:
    await Inbox(database, "things", ttl_s=60).ensure_indexes()
    assert await ttl_of(database) == 60
    await Inbox(database, "things", ttl_s=120).ensure_indexes()
    assert await ttl_of(database) == 120
