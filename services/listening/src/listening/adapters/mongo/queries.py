"""Collections ``queries`` (each tenant's listening queries) and ``query_version`` (one
counter raised by every change, which replicas poll)."""

from __future__ import annotations

from dataclasses import asdict

from pymongo import DESCENDING, ReturnDocument

from listening.adapters.mongo.base import Repository
from listening.domain.queries import ListeningQuery
from listening.domain.spikes import SpikeRule
from newsroom_shared.mongo import Document

VERSION_ID = "queries"


def _document(query: ListeningQuery) -> Document:
    return {
        "_id": query.id,
        "tenant_id": query.tenant_id,
        "name": query.name,
        "text": query.text,
        "created_at": query.created_at,
        "updated_at": query.updated_at,
        "version": query.version,
        "spike_rule": asdict(query.spike_rule),
    }


def _query(document: Document) -> ListeningQuery:
    return ListeningQuery.restore(
        id=document["_id"],
        tenant_id=document["tenant_id"],
        name=document["name"],
        text=document["text"],
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        version=document["version"],
        # Queries stored before thresholds could be chosen have none: the defaults.
        spike_rule=SpikeRule(**document.get("spike_rule", {})),
    )


class MongoQueries(Repository):
    COLLECTION = "queries"

    async def add(self, query: ListeningQuery) -> None:
        await self._collection.insert_one(_document(query), **self._opts())

    async def get(self, tenant_id: str, query_id: str) -> ListeningQuery | None:
        found = await self._find_one({"_id": query_id, "tenant_id": tenant_id})
        return None if found is None else _query(found)

    async def page(
        self, tenant_id: str, *, after_id: str | None, limit: int
    ) -> list[ListeningQuery]:
        where: Document = {"tenant_id": tenant_id}
        if after_id is not None:
            where["_id"] = {"$lt": after_id}
        rows = await self._find(where, sort=[("_id", DESCENDING)], limit=limit)
        return [_query(row) for row in rows]

    async def count(self, tenant_id: str) -> int:
        return await self._collection.count_documents({"tenant_id": tenant_id}, **self._opts())

    async def save(self, query: ListeningQuery) -> None:
        await self._collection.replace_one(
            {"_id": query.id, "tenant_id": query.tenant_id}, _document(query), **self._opts()
        )

    async def delete(self, tenant_id: str, query_id: str) -> bool:
        result = await self._collection.delete_one(
            {"_id": query_id, "tenant_id": tenant_id}, **self._opts()
        )
        return result.deleted_count == 1

    async def all_tenants(self) -> list[ListeningQuery]:
        # Across tenants on purpose: one matcher holds every tenant's queries.
        cursor = self._collection.find({}, session=self._session, batch_size=10_000)
        return [_query(row) async for row in cursor]


class MongoQueryVersion(Repository):
    COLLECTION = "query_version"

    async def bump(self) -> None:
        await self._collection.find_one_and_update(
            {"_id": VERSION_ID},
            {"$inc": {"version": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            **self._opts(),
        )

    async def current(self) -> int:
        found = await self._find_one({"_id": VERSION_ID})
        return 0 if found is None else int(found["version"])
