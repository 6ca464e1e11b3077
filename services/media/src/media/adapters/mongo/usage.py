"""Collection ``usage``: bytes stored per tenant, ``_id`` the tenant id."""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from media.adapters.mongo.base import Repository


class MongoUsage(Repository):
    COLLECTION = "usage"

    async def used(self, tenant_id: str) -> int:
        found = await self._collection.find_one({"_id": tenant_id}, **self._opts())
        return 0 if found is None else int(found["bytes"])

    async def reserve(self, tenant_id: str, size: int, quota: int) -> bool:
        if size > quota:
            return False
        try:
            # Matches the tenant only while the bytes fit; else the upsert inserts a second
            # document with the same _id, which the unique _id refuses (the quota is full).
            await self._collection.update_one(
                {"_id": tenant_id, "bytes": {"$lte": quota - size}},
                {"$inc": {"bytes": size}},
                upsert=True,
                **self._opts(),
            )
        except DuplicateKeyError:
            return False
        return True

    async def add(self, tenant_id: str, size: int) -> None:
        await self._collection.update_one(
            {"_id": tenant_id}, {"$inc": {"bytes": size}}, upsert=True, **self._opts()
        )
