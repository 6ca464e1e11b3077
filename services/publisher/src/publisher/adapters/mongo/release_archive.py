"""The archive's two summaries of a newsroom's published releases: months and tags.

Aggregations over the ``public_listing`` and ``public_tag_listing`` indexes' leading fields
(tenant, newsroom, status): they read only the published releases of one newsroom.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from newsroom_shared.mongo import Document
from publisher.domain.archive import Month, MonthCount, TagCount
from publisher.domain.workflow import Status


def _published(tenant_id: str, newsroom_id: str) -> Document:
    return {"tenant_id": tenant_id, "newsroom_id": newsroom_id, "status": str(Status.PUBLISHED)}


async def _aggregate(
    collection: AsyncCollection[Document],
    pipeline: list[Document],
    session: AsyncClientSession | None,
) -> list[dict[str, Any]]:
    cursor = await collection.aggregate(pipeline, session=session)
    return [row async for row in cursor]


async def published_months(
    collection: AsyncCollection[Document],
    session: AsyncClientSession | None,
    tenant_id: str,
    newsroom_id: str,
) -> list[MonthCount]:
    month = {"year": {"$year": "$published_at"}, "month": {"$month": "$published_at"}}
    pipeline: list[Document] = [
        {"$match": _published(tenant_id, newsroom_id)},
        {"$group": {"_id": month, "count": {"$sum": 1}}},
    ]
    rows = await _aggregate(collection, pipeline, session)
    return [MonthCount(Month(r["_id"]["year"], r["_id"]["month"]), r["count"]) for r in rows]


async def published_tags(
    collection: AsyncCollection[Document],
    session: AsyncClientSession | None,
    tenant_id: str,
    newsroom_id: str,
    limit: int,
) -> list[TagCount]:
    pipeline: list[Document] = [
        {"$match": _published(tenant_id, newsroom_id)},
        {"$project": {"tags": True}},
        {"$unwind": "$tags"},
        {"$group": {"_id": "$tags", "count": {"$sum": 1}}},
        {"$sort": {"count": -1, "_id": 1}},
        {"$limit": limit},
    ]
    rows = await _aggregate(collection, pipeline, session)
    return [TagCount(r["_id"], r["count"]) for r in rows]
