"""Collection ``webhook_sources``: each tenant's inbound webhook sources (no secrets: each
source's secret is derived from the service's keys, see ``adapters/webhook_secrets.py``)."""

from __future__ import annotations

from pymongo import DESCENDING

from listening.adapters.mongo.base import Repository
from listening.domain.webhook_sources import WebhookSource
from newsroom_shared.mongo import Document


def _document(source: WebhookSource) -> Document:
    return {
        "_id": source.id,
        "tenant_id": source.tenant_id,
        "name": source.name,
        "created_at": source.created_at,
        "secret_generation": source.secret_generation,
    }


def _source(document: Document) -> WebhookSource:
    return WebhookSource(
        id=document["_id"],
        tenant_id=document["tenant_id"],
        name=document["name"],
        created_at=document["created_at"],
        secret_generation=document["secret_generation"],
    )


class MongoWebhookSources(Repository):
    COLLECTION = "webhook_sources"

    async def add(self, source: WebhookSource) -> None:
        await self._collection.insert_one(_document(source), **self._opts())

    async def get(self, tenant_id: str, source_id: str) -> WebhookSource | None:
        found = await self._find_one({"_id": source_id, "tenant_id": tenant_id})
        return None if found is None else _source(found)

    async def find(self, source_id: str) -> WebhookSource | None:
        # Across tenants on purpose: an inbound delivery's URL names only its source.
        found = await self._find_one({"_id": source_id})
        return None if found is None else _source(found)

    async def page(
        self, tenant_id: str, *, after_id: str | None, limit: int
    ) -> list[WebhookSource]:
        where: Document = {"tenant_id": tenant_id}
        if after_id is not None:
            where["_id"] = {"$lt": after_id}
        rows = await self._find(where, sort=[("_id", DESCENDING)], limit=limit)
        return [_source(row) for row in rows]

    async def delete(self, tenant_id: str, source_id: str) -> bool:
        result = await self._collection.delete_one(
            {"_id": source_id, "tenant_id": tenant_id}, **self._opts()
        )
        return result.deleted_count == 1
