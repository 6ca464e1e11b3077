"""The outbox collection: written inside the caller's transaction, drained by the relay.

The events of one :meth:`Outbox.add` call share documents (up to :data:`EVENTS_PER_DOCUMENT`
events and about :data:`BYTES_PER_DOCUMENT` of payload each): a transaction that emits hundreds
of events (a page of email outcomes, an import) writes a few documents, and the relay reads and
marks a few: the database's work follows the documents, not the events. Each event still goes
to Kafka as its own record.

Every query on the collection lives here (the relay receives an :class:`Outbox`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.change_stream import AsyncChangeStream
from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.clock import Clock, SystemClock
from newsroom_shared.events.envelope import Envelope
from newsroom_shared.mongo import Database, Document
from newsroom_shared.outbox.sequence import SEQUENCE

DEFAULT_RETENTION = timedelta(days=7)

# Entries not yet published. The relay's query repeats this filter exactly, which is what lets
# MongoDB use the partial index (``{$eq: null}`` is an equality a partial index accepts).
# How long the server holds the change stream's getMore when nothing was inserted. It answers as
# soon as an insert arrives (awaitData), so a long wait costs no latency and turns an idle
# relay's one getMore a second (the server's default wait) into one in ten seconds.
WATCH_AWAIT_MS = 10_000

UNSENT: Document = {"sent_at": None}
# The partial index of the unsent entries, named in the relay's queries so that the plan of
# this hot, repeated query can never flip to the retention index on ``sent_at``, which would
# read every entry kept and sort them (MongoDB's planner normally picks this index; the hint
# makes it certain, at no cost).
UNSENT_INDEX = "unsent_in_order"
# Relay order: see sequence.py for why ``seq`` follows commit order per key; ``_id`` only breaks
# ties between processes that drew the same microsecond.
PUBLISH_ORDER = [("seq", ASCENDING), ("_id", ASCENDING)]
# How the events of one add() are grouped into documents (well under MongoDB's 16 MB).
EVENTS_PER_DOCUMENT = 200
BYTES_PER_DOCUMENT = 1_000_000


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One unsent event as the relay hands it to the Kafka producer."""

    id: str
    topic: str
    key: bytes
    headers: list[tuple[str, bytes]]
    value: bytes
    # The outbox document holding it, which mark_sent() marks once all its events are sent.
    document_id: str

    @classmethod
    def from_event(cls, event: Document, document_id: str) -> OutboxEntry:
        headers: dict[str, str] = event["headers"]
        return cls(
            id=event["id"],
            topic=event["topic"],
            key=event["key"].encode(),
            headers=[(name, value.encode()) for name, value in headers.items()],
            value=event["value"],
            document_id=document_id,
        )

    @classmethod
    def all_from(cls, document: Document) -> list[OutboxEntry]:
        """The document's events in order (a document written before events were grouped
        is one event, with its fields at the top)."""
        events = document.get("events") or [{**document, "id": document["_id"]}]
        return [cls.from_event(event, document["_id"]) for event in events]


def event_fields(envelope: Envelope) -> Document:
    return {
        "id": envelope.id,
        "tenant_id": envelope.tenant_id,
        "topic": envelope.topic,
        "key": envelope.key,
        "headers": {name: value.decode() for name, value in envelope.headers().items()},
        "value": envelope.data,  # bytes are stored as BSON binary
    }


def grouped(envelopes: Sequence[Envelope]) -> list[list[Envelope]]:
    """The envelopes in order, cut into documents' worth (see the module docstring)."""
    groups: list[list[Envelope]] = []
    size = 0
    for envelope in envelopes:
        full = groups and (
            len(groups[-1]) >= EVENTS_PER_DOCUMENT or size + len(envelope.data) > BYTES_PER_DOCUMENT
        )
        if not groups or full:
            groups.append([])
            size = 0
        groups[-1].append(envelope)
        size += len(envelope.data)
    return groups


def entry_document(envelopes: Sequence[Envelope], created_at: datetime, seq: int) -> Document:
    """One outbox document: its id is its first event's, its ``seq`` orders it for the relay."""
    return {
        "_id": envelopes[0].id,
        "events": [event_fields(envelope) for envelope in envelopes],
        "created_at": created_at,
        "seq": seq,
        "sent_at": None,
    }


def sent_documents(entries: Sequence[OutboxEntry], delivered: Sequence[str]) -> list[str]:
    """Of the documents ``entries`` come from (whole, as unsent() returns them), those whose
    every event is in ``delivered``, in order."""
    done = set(delivered)
    documents: dict[str, bool] = {}
    for entry in entries:
        documents[entry.document_id] = documents.get(entry.document_id, True) and (entry.id in done)
    return [document for document, sent in documents.items() if sent]


class Outbox:
    """Collection ``outbox``: documents of events, ``sent_at`` null until the relay publishes
    them all."""

    COLLECTION = "outbox"

    def __init__(
        self,
        db: Database,
        *,
        retention: timedelta = DEFAULT_RETENTION,
        clock: Clock | None = None,
    ) -> None:
        self._entries = db[self.COLLECTION]
        self._retention = retention
        self._clock = clock or SystemClock()
        # Of the last unsent() read; sizes the next one's first reply.
        self._events_per_document = 1.0

    async def ensure_indexes(self) -> None:
        # The outbox is drained across tenants in commit order, so unlike tenant data its
        # indexes do not start with tenant_id (the relay never filters by tenant).
        await self._entries.create_index(
            PUBLISH_ORDER, name=UNSENT_INDEX, partialFilterExpression=UNSENT
        )
        # TTL ignores null dates: unsent entries stay, sent ones go after the retention.
        await self._entries.create_index(
            "sent_at",
            name="sent_retention",
            expireAfterSeconds=int(self._retention.total_seconds()),
        )

    async def add(self, session: AsyncClientSession, *envelopes: Envelope) -> None:
        """Insert the events in the caller's transaction (``session`` must be in one)."""
        if not session.in_transaction:
            # Outside a transaction the events could be published for state that never commits.
            raise ValueError("Outbox.add needs a session inside a transaction")
        if not envelopes:
            return
        created_at = self._clock.now()
        groups = grouped(envelopes)
        seqs = SEQUENCE.take(created_at, len(groups))
        await self._entries.insert_many(
            [entry_document(g, created_at, seq) for g, seq in zip(groups, seqs, strict=True)],
            session=session,
        )

    async def unsent(self, limit: int) -> list[OutboxEntry]:
        """The oldest unsent events in publish order: whole documents, as many as hold
        ``limit`` events (at least one document, however many events it holds)."""
        projection = {"events": True, "topic": True, "key": True, "headers": True, "value": True}
        cursor = (
            self._entries.find(UNSENT, projection)
            .sort(PUBLISH_ORDER)
            .hint(UNSENT_INDEX)
            .limit(limit)
            .batch_size(self._first_reply_size(limit))
        )
        entries: list[OutboxEntry] = []
        documents = 0
        async for document in cursor:
            entries += OutboxEntry.all_from(document)
            documents += 1
            if len(entries) >= limit:
                break
        await cursor.close()
        if documents:
            self._events_per_document = len(entries) / documents
        return entries

    def _first_reply_size(self, limit: int) -> int:
        """Documents in the read's first reply: as many as hold ``limit`` events if they are
        like the last read's. Documents may hold one event or hundreds: a fixed small reply
        costs a ``getMore`` per few single-event documents, a large one would decode hundreds
        of large documents to use a few (the read stops once it has ``limit`` events)."""
        return max(1, min(limit, math.ceil(limit / self._events_per_document)))

    async def mark_sent(self, ids: Sequence[str], sent_at: datetime) -> None:
        """Mark published documents (ids of :attr:`OutboxEntry.document_id`) sent, in one
        round trip."""
        if not ids:
            return
        await self._entries.update_many({"_id": {"$in": list(ids)}}, {"$set": {"sent_at": sent_at}})

    async def count_unsent(self) -> int:
        """Unsent documents (zero when the relay has caught up)."""
        return await self._entries.count_documents(UNSENT, hint=UNSENT_INDEX)

    async def watch_inserts(self) -> AsyncChangeStream[Document]:
        """A change stream that yields one small event per inserted entry (only its resume
        token: the relay only needs to know that something arrived)."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"operationType": "insert"}},
            {"$project": {"_id": True}},
        ]
        return await self._entries.watch(pipeline, max_await_time_ms=WATCH_AWAIT_MS)
