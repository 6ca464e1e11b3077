"""The inbox: which events a consumer has applied, so a redelivered event changes nothing.

Collection ``inbox``, one document per applied event::

    {_id: "<tenant id>:<consumer name>:<event id>", tenant_id, consumer, event_id, applied_at}

Why this key: ``_id`` is unique and indexed for free, so recording an event costs no extra index
write (every secondary index costs every insert). It starts with the tenant
id, as every index here does, so one tenant's event ids can never shadow another's. A TTL index on
``applied_at`` forgets events after ``inbox_ttl_s`` (longer than any redelivery can take).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import OperationFailure

from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.mongo import Database, Document

TTL_INDEX = "applied_at_ttl"
# The same index with another TTL: MongoDB answers IndexOptionsConflict (85), some
# MongoDB-protocol servers IndexKeySpecsConflict (86); both mean "exists, other options".
INDEX_CONFLICTS = frozenset({85, 86})


def inbox_key(consumer: str, event: ReceivedEvent) -> str:
    return f"{event.tenant_id}:{consumer}:{event.id}"


class Inbox:
    """Repository of one consumer's applied events."""

    COLLECTION = "inbox"

    def __init__(
        self,
        db: Database,
        consumer: str,
        ttl_s: int,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._collection = db[self.COLLECTION]
        self._consumer = consumer
        self._ttl_s = ttl_s
        self._clock = clock or (lambda: datetime.now(UTC))

    def key(self, event: ReceivedEvent) -> str:
        return inbox_key(self._consumer, event)

    async def ensure_indexes(self) -> None:
        """The TTL index; a changed ``inbox_ttl_s`` updates it in place (else every start fails)."""
        try:
            await self._collection.create_index(
                [("applied_at", ASCENDING)], name=TTL_INDEX, expireAfterSeconds=self._ttl_s
            )
        except OperationFailure as error:
            if error.code not in INDEX_CONFLICTS:
                raise
            await self._collection.database.command(
                {
                    "collMod": self.COLLECTION,
                    "index": {"name": TTL_INDEX, "expireAfterSeconds": self._ttl_s},
                }
            )

    async def applied(
        self, session: AsyncClientSession, events: Sequence[ReceivedEvent]
    ) -> set[str]:
        """Keys of ``events`` already applied: one query for the whole batch."""
        if not events:
            return set()
        query = {
            "_id": {"$in": [self.key(event) for event in events]},
            "tenant_id": {"$in": sorted({event.tenant_id for event in events})},
        }
        cursor = self._collection.find(query, {"_id": 1}, session=session)
        return {document["_id"] async for document in cursor}

    async def record(self, session: AsyncClientSession, events: Iterable[ReceivedEvent]) -> None:
        """Insert the inbox records in the caller's transaction (one ``insert_many``)."""
        now = self._clock()
        documents: list[Document] = [
            {
                "_id": self.key(event),
                "tenant_id": event.tenant_id,
                "consumer": self._consumer,
                "event_id": event.id,
                "applied_at": now,
            }
            for event in events
        ]
        if documents:
            await self._collection.insert_many(documents, session=session)
