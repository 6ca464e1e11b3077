"""Collection ``failed_attempts``: each channel's failure log, kept for a limited time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from bson import ObjectId
from bson.errors import InvalidId

from distribution.adapters.mongo.base import Repository
from distribution.domain.failures import FailedAttempt
from newsroom_shared.mongo import Document

# A month of history is enough to debug an endpoint; a TTL index keeps the log from growing
# without bound when an endpoint has been down for long.
RETENTION_S = 30 * 24 * 3600


def failed_attempt_from(document: Document) -> FailedAttempt:
    return FailedAttempt(**{k: v for k, v in document.items() if k != "_id"})


class MongoFailedAttempts(Repository):
    COLLECTION = "failed_attempts"
    INDEXES: tuple[list[tuple[str, int]], ...] = (
        [("tenant_id", 1), ("channel_id", 1), ("_id", -1)],
    )
    TTL_INDEXES: tuple[tuple[str, int], ...] = (("at", RETENTION_S),)

    async def add(self, entries: Sequence[FailedAttempt]) -> None:
        if entries:
            documents = [asdict(entry) for entry in entries]
            await self._collection.insert_many(documents, session=self._session)

    async def page(
        self, tenant_id: str, channel_id: str, *, before_id: str | None, limit: int
    ) -> list[tuple[str, FailedAttempt]]:
        """Newest first: (entry id, entry), up to ``limit``, older than ``before_id``."""
        query: Document = {"tenant_id": tenant_id, "channel_id": channel_id}
        if before_id is not None:
            query["_id"] = {"$lt": _object_id(before_id)}
        cursor = self._collection.find(query, session=self._session, limit=limit)
        return [(str(d["_id"]), failed_attempt_from(d)) async for d in cursor.sort([("_id", -1)])]


def _object_id(value: str) -> ObjectId | str:
    try:
        return ObjectId(value)
    except InvalidId:
        return value  # a forged cursor: matches nothing, no entry has a string id
