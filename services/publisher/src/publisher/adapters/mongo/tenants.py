"""Collection ``tenants``: ``_id`` is the tenant id, repeated as ``tenant_id`` like everywhere."""

from __future__ import annotations

from newsroom_shared.mongo import Document
from publisher.adapters.mongo.base import Repository
from publisher.domain.tenant import Tenant


def _document(tenant: Tenant) -> Document:
    return {
        "_id": tenant.id,
        "tenant_id": tenant.id,
        "name": tenant.name,
        "created_at": tenant.created_at,
    }


class MongoTenants(Repository):
    COLLECTION = "tenants"

    async def add(self, tenant: Tenant) -> None:
        await self._collection.insert_one(_document(tenant), **self._opts())

    async def get(self, tenant_id: str) -> Tenant | None:
        found = await self._find_one({"_id": tenant_id, "tenant_id": tenant_id})
        if found is None:
            return None
        return Tenant(id=found["_id"], name=found["name"], created_at=found["created_at"])
