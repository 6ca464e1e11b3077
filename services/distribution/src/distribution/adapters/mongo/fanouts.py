"""Collection ``fan_outs``: email fan-outs still being planned (see
:mod:`distribution.domain.fanouts`), one document per (release event, email channel), kept a
month after it finished.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from distribution.adapters.mongo.base import Repository
from distribution.domain.fanouts import FanOut, FanOutMovedError
from newsroom_shared.mongo import Document

_FIELDS = tuple(f.name for f in dataclasses.fields(FanOut))
RETENTION_S = 30 * 24 * 3600


def fan_out_document(fan_out: FanOut) -> Document:
    document: dict[str, Any] = {name: getattr(fan_out, name) for name in _FIELDS}
    document["_id"] = document.pop("id")
    return document


def fan_out_from(document: Document) -> FanOut:
    fields = {name: document[name] for name in _FIELDS if name in document and name != "id"}
    return FanOut(id=document["_id"], **fields)


class MongoFanOuts(Repository):
    COLLECTION = "fan_outs"
    INDEXES: tuple[list[tuple[str, int]], ...] = (
        # The open ones, least recently advanced first: pages of concurrent fan-outs take turns.
        [("done", 1), ("updated_at", 1)],
        [("tenant_id", 1), ("release_id", 1)],
    )
    TTL_INDEXES: tuple[tuple[str, int], ...] = (("finished_at", RETENTION_S),)

    async def start(self, fan_out: FanOut) -> bool:
        """Stores a new fan-out; False if it exists already (the release was published again).

        Looked up first: a duplicate key error would abort the caller's transaction."""
        if await self.get(fan_out.tenant_id, fan_out.id) is not None:
            return False
        await self._collection.insert_one(fan_out_document(fan_out), session=self._session)
        return True

    async def get(self, tenant_id: str, fan_out_id: str) -> FanOut | None:
        document = await self._collection.find_one(
            {"_id": fan_out_id, "tenant_id": tenant_id}, session=self._session
        )
        return fan_out_from(document) if document else None

    async def next_open(self) -> FanOut | None:
        """The open fan-out that waited longest for its next page (any tenant: the worker's)."""
        cursor = self._collection.find({"done": False}, session=self._session, limit=1)
        documents = await cursor.sort([("updated_at", 1)]).to_list()
        return fan_out_from(documents[0]) if documents else None

    async def advance(self, before: FanOut, after: FanOut) -> None:
        """Writes ``after`` if the fan-out is still at ``before``'s page (else FanOutMovedError)."""
        result = await self._collection.replace_one(
            {"_id": before.id, "tenant_id": before.tenant_id, "after": before.after, "done": False},
            fan_out_document(after),
            session=self._session,
        )
        if result.matched_count != 1:
            raise FanOutMovedError(before.id)

    async def close_release(self, tenant_id: str, release_id: str, now: datetime) -> int:
        """No more pages for the release's open fan-outs (it was withdrawn)."""
        result = await self._collection.update_many(
            {"tenant_id": tenant_id, "release_id": release_id, "done": False},
            {"$set": {"done": True, "updated_at": now, "finished_at": now}},
            session=self._session,
        )
        return result.modified_count
