"""Collection ``api_keys``: ``_id`` is the key id that tokens carry; the secret only as a hash."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, DESCENDING

from newsroom_shared.mongo import Document
from publisher.adapters.mongo.base import Repository
from publisher.domain.api_key import LAST_USED_RESOLUTION, ApiKey


def _document(key: ApiKey) -> Document:
    return {
        "_id": key.id,
        "tenant_id": key.tenant_id,
        "name": key.name,
        "scopes": key.scopes,
        "secret_hash": key.secret_hash,
        "created_at": key.created_at,
        "created_by": key.created_by,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }


def _key(document: Document) -> ApiKey:
    return ApiKey(
        id=document["_id"],
        tenant_id=document["tenant_id"],
        name=document["name"],
        scopes=document["scopes"],
        secret_hash=document["secret_hash"],
        created_at=document["created_at"],
        created_by=document["created_by"],
        last_used_at=document["last_used_at"],
        revoked_at=document["revoked_at"],
    )


class MongoApiKeys(Repository):
    COLLECTION = "api_keys"

    async def add(self, key: ApiKey) -> None:
        await self._collection.insert_one(_document(key), **self._opts())

    async def get(self, tenant_id: str, key_id: str) -> ApiKey | None:
        found = await self._find_one({"_id": key_id, "tenant_id": tenant_id})
        return None if found is None else _key(found)

    async def find(self, key_id: str) -> ApiKey | None:
        # By _id alone: authentication is how the caller's tenant becomes known.
        found = await self._find_one({"_id": key_id})
        return None if found is None else _key(found)

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[ApiKey]:
        query: Document = {"tenant_id": tenant_id}
        if after_id is not None:
            query["_id"] = {"$lt": after_id}
        rows = await self._find(query, sort=[("_id", DESCENDING)], limit=limit)
        return [_key(row) for row in rows]

    async def page_all(self, *, after_id: str | None, limit: int) -> list[ApiKey]:
        # Across tenants on purpose: an operator task (republish) walking every key by _id.
        query: Document = {} if after_id is None else {"_id": {"$gt": after_id}}
        rows = await self._find(query, sort=[("_id", ASCENDING)], limit=limit)
        return [_key(row) for row in rows]

    async def save(self, key: ApiKey) -> None:
        await self._collection.replace_one(
            {"_id": key.id, "tenant_id": key.tenant_id}, _document(key), **self._opts()
        )

    async def count_active_admins(self, tenant_id: str) -> int:
        query = {"tenant_id": tenant_id, "revoked_at": None, "scopes": "admin"}
        return await self._collection.count_documents(query, **self._opts())

    async def record_use(self, tenant_id: str, key_id: str, now: datetime) -> None:
        # Conditional in the database, so replicas racing write at most once a minute too.
        stale = {
            "$or": [{"last_used_at": None}, {"last_used_at": {"$lte": now - LAST_USED_RESOLUTION}}]
        }
        await self._collection.update_one(
            {"_id": key_id, "tenant_id": tenant_id, **stale},
            {"$set": {"last_used_at": now}},
            **self._opts(),
        )
