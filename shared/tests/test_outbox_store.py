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
from newsroom_shared.outbox.store import (
    BYTES_PER_DOCUMENT,
    EVENTS_PER_DOCUMENT,
    OutboxEntry,
    sent_documents,
)

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
        self.moment = NOW

    def now(self) -> datetime:
        self.moment -= timedelta(seconds=1)
        return self.moment


async def entries(database: Database) -> list[Document]:
    return await database[Outbox.COLLECTION].find().sort("seq").to_list()


async def test_add_in_a_committed_transaction_stores_its_events_in_one_document(
    database: Database, mongo_client: AsyncMongoClient[Document]
) -> None:
    outbox = Outbox(database)
    await outbox.ensure_indexes()
    first, second = release_envelope("r1"), release_envelope("r2")
    async with transaction(mongo_client) as session:
        await outbox.add(session, first, second)

    [stored] = await entries(database)
    assert set(stored) == {"_id", "events", "created_at", "seq", "sent_at"}
    assert stored["_id"] == first.id
    assert stored["sent_at"] is None
    assert stored["created_at"].tzinfo is not None
    assert [event["id"] for event in stored["events"]] == [first.id, second.id]
    event = stored["events"][0]
    assert set(event) == {"id", "tenant_id", "topic", "key", "headers", "value"}
    assert (event["tenant_id"], event["topic"], event["key"]) == ("t1", "test.outbox", "r1")
    assert event["headers"] == {name: value.decode() for name, value in first.headers().items()}
    assert event["value"] == first.data


async def test_many_events_are_cut_into_documents_by_count_and_size(
    database: Database, mongo_client: AsyncMongoClient[Document]
) -> None:
    outbox = Outbox(database)
    await outbox.ensure_indexes()
    many = [release_envelope(f"r{n}") for n in range(EVENTS_PER_DOCUMENT + 1)]
    half = b"x" * (BYTES_PER_DOCUMENT // 2)
    big, bigger = (dataclasses.replace(release_envelope(n), data=half) for n in ("b1", "b2"))
    async with transaction(mongo_client) as session:
        await outbox.add(session, *many, big, bigger)

    stored = await entries(database)
    assert [len(document["events"]) for document in stored] == [EVENTS_PER_DOCUMENT, 2, 1]
    assert [entry.id for entry in await outbox.unsent(1000)] == [e.id for e in [*many, big, bigger]]


async def test_unsent_returns_whole_documents(
    database: Database, mongo_client: AsyncMongoClient[Document]
) -> None:
    outbox = Outbox(database)
    await outbox.ensure_indexes()
    first = [release_envelope(f"a{n}") for n in range(3)]
    second = [release_envelope(f"b{n}") for n in range(3)]
    for envelopes in (first, second):
        async with transaction(mongo_client) as session:
            await outbox.add(session, *envelopes)

    assert [e.id for e in await outbox.unsent(1)] == [e.id for e in first]
    assert [e.id for e in await outbox.unsent(4)] == [e.id for e in first + second]
    assert {e.document_id for e in await outbox.unsent(4)} == {first[0].id, second[0].id}


async def test_a_document_of_one_event_written_before_grouping_is_still_published(
    database: Database,
) -> None:
    """Entries written by the previous version (one event per document, fields at the top)
    are read as they are, so an upgrade with unsent entries loses none."""
    outbox = Outbox(database)
    await outbox.ensure_indexes()
    envelope = release_envelope("old")
    await database[Outbox.COLLECTION].insert_one(
        {
            "_id": envelope.id,
            "tenant_id": "t1",
            "topic": envelope.topic,
            "key": envelope.key,
            "headers": {name: value.decode() for name, value in envelope.headers().items()},
            "value": envelope.data,
            "created_at": NOW,
            "seq": 1,
            "sent_at": None,
        }
    )
    [entry] = await outbox.unsent(10)
    assert (entry.id, entry.document_id, entry.value) == (envelope.id, envelope.id, envelope.data)
    await outbox.mark_sent([entry.document_id], NOW)
    assert await outbox.unsent(10) == []


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
    assert [e["id"] for document in stored for e in document["events"]] == [e.id for e in added]
    seqs = [document["seq"] for document in stored]
    assert seqs == sorted(set(seqs))
    # created_at is the (stepping) wall clock; seq is what orders.
    assert stored[1]["created_at"] < stored[0]["created_at"]
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


async def test_mark_sent_marks_exactly_the_given_documents(
    database: Database, mongo_client: AsyncMongoClient[Document]
) -> None:
    outbox = Outbox(database)
    await outbox.ensure_indexes()
    added = [release_envelope(f"r{n}") for n in range(50)]
    async with transaction(mongo_client) as session:
        for envelope in added:  # fifty adds: fifty documents
            await outbox.add(session, envelope)

    pending = await outbox.unsent(45)
    assert [entry.id for entry in pending] == [e.id for e in added[:45]]
    # 40 ids, marked in one update.
    await outbox.mark_sent([entry.document_id for entry in pending[:40]], NOW)

    assert [entry.id for entry in await outbox.unsent(100)] == [e.id for e in added[40:]]
    assert await outbox.count_unsent() == 10
    sent = await database[Outbox.COLLECTION].count_documents({"sent_at": NOW})
    assert sent == 40


def test_a_document_counts_as_sent_only_when_all_its_events_are() -> None:
    def entry(event: str, document: str) -> OutboxEntry:
        return OutboxEntry(event, "t", b"k", [], b"v", document)

    entries = [entry("a1", "a"), entry("a2", "a"), entry("b1", "b"), entry("c1", "c")]
    assert sent_documents(entries, ["a1", "b1", "c1"]) == ["b", "c"]
    assert sent_documents(entries, ["a1", "a2", "c1"]) == ["a", "c"]
    assert sent_documents(entries, []) == []


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
