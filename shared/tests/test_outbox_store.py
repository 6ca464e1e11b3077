"""The outbox collection: what add() writes, in which transaction, in which order."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient, monitoring

from newsroom_shared.events.envelope import Envelope, envelope_for
from newsroom_shared.events.publisher import ReleasePublished
from newsroom_shared.mongo import Database, Document, transaction
from newsroom_shared.outbox import Outbox

pytestmark = pytest.mark.connected

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def release_envelope(release_id: str, version: int = 1, topic: str = "test.outbox") -> Envelope:
    event = ReleasePublished(
        tenant_id="t1",
        release_id=release_id,
        newsroom_id="n1",
        newsroom_slug="acme",
        slug=f"release-{release_id}",
        title=f"Release {release_id} v{version}",
        language="en",
        url=f"https://news.example/acme/{release_id}",
        version=version,
        published_at=NOW,
    )
    return dataclasses.replace(envelope_for(event, source="/newsroom/test"), topic=topic)


class SteppingClock:
    """A wall clock that jumps backwards on every reading (an NTP step, a VM resume)."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now -= timedelta(seconds=1)
        return self.now


async def entries(database: Database) -> list[Document]:
    return await database[Outbox.COLLECTION].find().sort("seq").to_list()


async def test_add_in_a_committed_transaction_stores_one_entry_per_event(
    database: Database, mongo_client: AsyncMongoClient[Document]
) -> None:
    outbox = Outbox(database)
    await outbox.ensure_indexes()
    first, second = release_envelope("r1"), release_envelope("r2")
    async with transaction(mongo_client) as session:
        await outbox.add(session, first, second)

    stored = await entries(database)
    assert [entry["_id"] for entry in stored] == [first.id, second.id]
    entry = stored[0]
    assert set(entry) == {
        "_id",
        "tenant_id",
        "topic",
        "key",
        "headers",
        "value",
        "created_at",
        "seq",
        "sent_at",
    }
    assert (entry["tenant_id"], entry["topic"], entry["key"]) == ("t1", "test.outbox", "r1")
    assert entry["headers"] == {name: value.decode() for name, value in first.headers().items()}
    assert entry["value"] == first.data
    assert entry["sent_at"] is None
    assert entry["created_at"].tzinfo is not None


async def test_add_in_an_aborted_transaction_leaves_nothing(
    database: Database, mongo_client: AsyncMongoClient[Document]
) -> None:
    outbox = Outbox(database)
    await outbox.ensure_indexes()

    async def request_that_fails_after_adding() -> None:
        async with transaction(mongo_client) as session:
            await outbox.add(session, release_envelope("r1"))
            raise RuntimeError("abort the request")

    with pytest.raises(RuntimeError, match="abort"):
        await request_that_fails_after_adding()
    assert await entries(database) == []
    assert await outbox.unsent(10) == []


async def test_add_outside_a_transaction_is_refused(
    database: Database, mongo_client: AsyncMongoClient[Document]
) -> None:
    outbox = Outbox(database)
    async with mongo_client.start_session() as session:
        with pytest.raises(ValueError, match="transaction"):
            await outbox.add(session, release_envelope("r1"))
    assert await entries(database) == []


async def test_seq_follows_the_order_of_adds_even_when_the_clock_steps_back(
    database: Database, mongo_client: AsyncMongoClient[Document]
) -> None:
    outbox = Outbox(database, clock=SteppingClock())
    await outbox.ensure_indexes()
    added = [release_envelope("r1", version) for version in range(1, 7)]
    async with transaction(mongo_client) as session:
        await outbox.add(session, *added[:3])
    async with transaction(mongo_client) as session:
        await outbox.add(session, *added[3:])

    stored = await entries(database)
    assert [entry["_id"] for entry in stored] == [envelope.id for envelope in added]
    seqs = [entry["seq"] for entry in stored]
    assert seqs == sorted(set(seqs))
    # created_at is the (stepping) wall clock; seq is what orders.
    assert stored[3]["created_at"] < stored[0]["created_at"]
    assert [entry.id for entry in await outbox.unsent(10)] == [e.id for e in added]


async def test_indexes_serve_the_relay_and_expire_sent_entries(database: Database) -> None:
    await Outbox(database, retention=timedelta(days=2)).ensure_indexes()
    indexes = await database[Outbox.COLLECTION].index_information()
    assert indexes["unsent_in_order"]["key"] == [("seq", 1), ("_id", 1)]
    assert dict(indexes["unsent_in_order"]["partialFilterExpression"]) == {"sent_at": None}
    assert indexes["sent_retention"]["key"] == [("sent_at", 1)]
    assert indexes["sent_retention"]["expireAfterSeconds"] == 2 * 24 * 3600


class CommandLog(monitoring.CommandListener):
    def __init__(self) -> None:
        self.finds: list[Document] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.finds.append(dict(event.command))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


async def test_the_relay_reads_only_the_unsent_entries_however_many_are_kept(
    database: Database, infra: Any
) -> None:
    """The relay's query goes through the partial index of the unsent entries, not the
    retention index on ``sent_at``, which holds every entry kept for a week (a server that
    plans by the filter's first field picked that one and read them all on every pass)."""
    log = CommandLog()
    client: AsyncMongoClient[Document] = AsyncMongoClient(infra.mongodb_uri, event_listeners=[log])
    try:
        outbox = Outbox(client[database.name])
        await outbox.ensure_indexes()
        await outbox.unsent(10)
        [find] = log.finds
        explained = await client[database.name].command(
            "explain", {k: v for k, v in find.items() if k not in ("lsid", "$db", "$clusterTime")}
        )
    finally:
        await client.close()
    assert '"indexName": "unsent_in_order"' in json.dumps(explained["queryPlanner"]["winningPlan"])


async def test_default_retention_is_seven_days(database: Database) -> None:
    await Outbox(database).ensure_indexes()
    indexes = await database[Outbox.COLLECTION].index_information()
    assert indexes["sent_retention"]["expireAfterSeconds"] == 7 * 24 * 3600


async def test_mark_sent_marks_exactly_the_given_entries(
    database: Database, mongo_client: AsyncMongoClient[Document]
) -> None:
    outbox = Outbox(database)
    await outbox.ensure_indexes()
    added = [release_envelope(f"r{n}") for n in range(50)]
    async with transaction(mongo_client) as session:
        await outbox.add(session, *added)

    pending = await outbox.unsent(45)
    assert [entry.id for entry in pending] == [e.id for e in added[:45]]
    # 40 ids: more than one chunk of the bulk write.
    await outbox.mark_sent([entry.id for entry in pending[:40]], NOW)

    assert [entry.id for entry in await outbox.unsent(100)] == [e.id for e in added[40:]]
    assert await outbox.count_unsent() == 10
    sent = await database[Outbox.COLLECTION].count_documents({"sent_at": NOW})
    assert sent == 40


async def test_an_unsent_entry_carries_what_the_producer_needs(
    database: Database, mongo_client: AsyncMongoClient[Document]
) -> None:
    outbox = Outbox(database)
    await outbox.ensure_indexes()
    envelope = release_envelope("r9")
    async with transaction(mongo_client) as session:
        await outbox.add(session, envelope)
    [entry] = await outbox.unsent(10)
    assert (entry.topic, entry.key, entry.value) == ("test.outbox", b"r9", envelope.data)
    assert entry.headers == list(envelope.headers().items())
