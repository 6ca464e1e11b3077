"""The outbox collection: written inside the caller's transaction, drained by the relay.

Every query on the collection lives here (the relay receives an :class:`Outbox`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, UpdateMany
from pymongo.asynchronous.change_stream import AsyncChangeStream
from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.events.envelope import Envelope
from newsroom_shared.mongo import Database, Document
from newsroom_shared.outbox.sequence import SEQUENCE

DEFAULT_RETENTION = timedelta(days=7)

# Entries not yet published. The relay's query repeats this filter exactly, which is what lets
# MongoDB use the partial index (``{$eq: null}`` is an equality a partial index accepts).
UNSENT: Document = {"sent_at": None}
# The partial index of the unsent entries, named in the relay's queries: a server that plans by
# the filter's first field (SecantusDB, the local server) otherwise picks the retention index on
# ``sent_at`` and reads every entry kept (measured: 5 s per relay pass with 10,000 entries kept,
# 2 ms hinted); MongoDB proper picks this index anyway.
UNSENT_INDEX = "unsent_in_order"
# Relay order: see sequence.py for why ``seq`` follows commit order per key; ``_id`` only breaks
# ties between processes that drew the same microsecond.
PUBLISH_ORDER = [("seq", ASCENDING), ("_id", ASCENDING)]
# Marking sent filters by ``_id: {$in: ...}``. On SecantusDB (the local server) an ``$in`` costs
# about the square of its length (measured: 50 ids 13 ms, 500 ids 540 ms), so the ids go in
# chunks, all in one bulk command: still one round trip, and half the time or less for 500 ids
# (measured with the outbox indexes). MongoDB proper handles either shape well.
MARK_SENT_CHUNK = 16


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One unsent event as the relay hands it to the Kafka producer."""

    id: str
    topic: str
    key: bytes
    headers: list[tuple[str, bytes]]
    value: bytes

    @classmethod
    def from_document(cls, document: Document) -> OutboxEntry:
        headers: dict[str, str] = document["headers"]
        return cls(
            id=document["_id"],
            topic=document["topic"],
            key=document["key"].encode(),
            headers=[(name, value.encode()) for name, value in headers.items()],
            value=document["value"],
        )


def entry_document(envelope: Envelope, created_at: datetime, seq: int) -> Document:
    return {
        "_id": envelope.id,
        "tenant_id": envelope.tenant_id,
        "topic": envelope.topic,
        "key": envelope.key,
        "headers": {name: value.decode() for name, value in envelope.headers().items()},
        "value": envelope.data,  # bytes are stored as BSON binary
        "created_at": created_at,
        "seq": seq,
        "sent_at": None,
    }


class Outbox:
    """Collection ``outbox``: one document per event, ``sent_at`` null until the relay publishes."""

    COLLECTION = "outbox"

    def __init__(
        self,
        db: Database,
        *,
        retention: timedelta = DEFAULT_RETENTION,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._entries = db[self.COLLECTION]
        self._retention = retention
        self._clock = clock or (lambda: datetime.now(UTC))

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
        created_at = self._clock()
        seqs = SEQUENCE.take(created_at, len(envelopes))
        await self._entries.insert_many(
            [entry_document(e, created_at, seq) for e, seq in zip(envelopes, seqs, strict=True)],
            session=session,
        )

    async def unsent(self, limit: int) -> list[OutboxEntry]:
        """The oldest unsent entries, in publish order."""
        projection = {"topic": True, "key": True, "headers": True, "value": True}
        cursor = (
            self._entries.find(UNSENT, projection)
            .sort(PUBLISH_ORDER)
            .hint(UNSENT_INDEX)
            .limit(limit)
        )
        return [OutboxEntry.from_document(document) async for document in cursor]

    async def mark_sent(self, ids: Sequence[str], sent_at: datetime) -> None:
        """Mark published entries sent, in one round trip."""
        if not ids:
            return
        chunks = [ids[i : i + MARK_SENT_CHUNK] for i in range(0, len(ids), MARK_SENT_CHUNK)]
        await self._entries.bulk_write(
            [
                UpdateMany({"_id": {"$in": list(chunk)}}, {"$set": {"sent_at": sent_at}})
                for chunk in chunks
            ],
            ordered=False,
        )

    async def count_unsent(self) -> int:
        return await self._entries.count_documents(UNSENT, hint=UNSENT_INDEX)

    async def watch_inserts(self) -> AsyncChangeStream[Document]:
        """A change stream that yields one small event per inserted entry (only its resume
        token: the relay only needs to know that something arrived)."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"operationType": "insert"}},
            {"$project": {"_id": True}},
        ]
        return await self._entries.watch(pipeline)
