"""Collection ``items``: one document per media item."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pymongo import ReturnDocument

from media.adapters.mongo.base import Repository
from media.adapters.mongo.documents import item_document, item_of
from media.domain.errors import ConcurrentModificationError
from media.domain.item import MediaItem, Status
from newsroom_shared.mongo import Document

LIVE = {"$ne": Status.DELETED.value}


class MongoItems(Repository):
    COLLECTION = "items"

    async def add(self, item: MediaItem) -> None:
        await self._collection.insert_one(item_document(item), **self._opts())

    async def get(self, tenant_id: str, media_id: str) -> MediaItem | None:
        query = {"tenant_id": tenant_id, "_id": media_id, "status": LIVE}
        found = await self._collection.find_one(query, **self._opts())
        return None if found is None else item_of(found)

    async def many(self, tenant_id: str, media_ids: Sequence[str]) -> list[MediaItem]:
        query = {"tenant_id": tenant_id, "_id": {"$in": list(media_ids)}, "status": LIVE}
        return [item_of(d) async for d in self._collection.find(query, **self._opts())]

    async def save(self, item: MediaItem, *, expected_version: int) -> None:
        if not await self.save_if_unchanged(item, expected_version=expected_version):
            raise ConcurrentModificationError(f"media item {item.media_id} changed meanwhile")

    async def save_if_unchanged(self, item: MediaItem, *, expected_version: int) -> bool:
        result = await self._collection.replace_one(
            {"_id": item.media_id, "tenant_id": item.tenant_id, "version": expected_version},
            item_document(item),
            **self._opts(),
        )
        return result.matched_count == 1

    async def remove(self, item: MediaItem) -> bool:
        result = await self._collection.delete_one(
            {"_id": item.media_id, "tenant_id": item.tenant_id, "status": Status.DELETED.value},
            **self._opts(),
        )
        return result.deleted_count == 1

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[MediaItem]:
        query: dict[str, object] = {"tenant_id": tenant_id, "status": LIVE}
        if after_id is not None:
            query["_id"] = {"$lt": after_id}
        cursor = self._collection.find(query, **self._opts()).sort("_id", -1).limit(limit)
        return [item_of(document) async for document in cursor]

    async def claim_next(self, owner: str, now: datetime, lease_s: float) -> MediaItem | None:
        """Across tenants (the worker serves them all): one claimable item, claimed atomically
        by a single update, so two workers never hold the same item. Uploads (and deletions)
        first; a processed item queued to be rendered again only when none waits."""
        free = {"$or": [{"claim_expires_at": None}, {"claim_expires_at": {"$lte": now}}]}
        waiting = {"status": {"$in": [Status.UPLOADED.value, Status.DELETED.value]}, **free}
        claimed = await self._claim(waiting, owner, now, lease_s)
        if claimed is None:
            claimed = await self._claim({"rerender": True, **free}, owner, now, lease_s)
        return claimed

    async def _claim(
        self, query: Document, owner: str, now: datetime, lease_s: float
    ) -> MediaItem | None:
        expires = now + timedelta(seconds=lease_s)
        document = await self._collection.find_one_and_update(
            query,
            {
                "$set": {
                    "claim": {"owner": owner, "expires_at": expires},
                    "claim_expires_at": expires,
                },
                "$inc": {"version": 1, "attempts": 1},
            },
            sort=[("claim_expires_at", 1)],
            return_document=ReturnDocument.AFTER,
            **self._opts(),
        )
        return None if document is None else item_of(document)

    async def processed_after(
        self, tenant_id: str | None, *, after_id: str | None, limit: int
    ) -> list[MediaItem]:
        """Processed items by ascending id, the tenant's or (None) every tenant's: an
        operator's ``media rerender`` walks them all."""
        query: Document = {"status": Status.PROCESSED.value}
        if tenant_id is not None:
            query["tenant_id"] = tenant_id
        if after_id is not None:
            query["_id"] = {"$gt": after_id}
        cursor = self._collection.find(query, **self._opts()).sort("_id", 1).limit(limit)
        return [item_of(document) async for document in cursor]

    async def extend_claim(
        self, tenant_id: str, media_id: str, owner: str, expires_at: datetime
    ) -> bool:
        """Only the claim's own fields change (not the version): a description saved meanwhile
        is not refused for it."""
        result = await self._collection.update_one(
            {"tenant_id": tenant_id, "_id": media_id, "claim.owner": owner},
            {"$set": {"claim.expires_at": expires_at, "claim_expires_at": expires_at}},
            **self._opts(),
        )
        return result.matched_count == 1
