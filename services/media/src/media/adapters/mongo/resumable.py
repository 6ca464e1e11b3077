"""Collection ``resumable_uploads``: one document per tus upload, its segments in order.

A piece is recorded only if the upload is still at the offset the piece was written for (and
not yet taken): of two requests racing for one offset, one wins, the other's bytes go."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from media.adapters.mongo.base import Repository
from media.domain.resumable import ResumableUpload, Segment
from newsroom_shared.mongo import Document


class MongoResumableUploads(Repository):
    COLLECTION = "resumable_uploads"

    async def add(self, upload: ResumableUpload) -> None:
        await self._collection.insert_one(_document(upload), **self._opts())

    async def get(self, tenant_id: str, upload_id: str) -> ResumableUpload | None:
        query = {"tenant_id": tenant_id, "_id": upload_id}
        found = await self._collection.find_one(query, **self._opts())
        return None if found is None else _upload(found)

    async def append(self, upload: ResumableUpload, *, from_offset: int) -> bool:
        segment = upload.segments[-1]
        result = await self._collection.update_one(
            {
                "tenant_id": upload.tenant_id,
                "_id": upload.upload_id,
                "offset": from_offset,
                "media_id": None,
            },
            {
                "$set": {
                    "offset": upload.offset,
                    "expires_at": upload.expires_at,
                    "received": upload.received,
                    "taking_until": upload.taking_until,
                },
                "$push": {"segments": asdict(segment)},
            },
            **self._opts(),
        )
        return result.modified_count == 1

    async def promised(self, tenant_id: str, now: datetime) -> int:
        pipeline: list[Document] = [
            {"$match": {"tenant_id": tenant_id, "media_id": None, "expires_at": {"$gt": now}}},
            {"$group": {"_id": None, "bytes": {"$sum": "$length"}}},
        ]
        cursor = await self._collection.aggregate(pipeline, **self._opts())
        found = [d async for d in cursor]
        return int(found[0]["bytes"]) if found else 0

    async def hold(self, upload: ResumableUpload, now: datetime, until: datetime) -> bool:
        result = await self._collection.update_one(
            {
                "tenant_id": upload.tenant_id,
                "_id": upload.upload_id,
                "media_id": None,
                "taking_until": {"$lte": now},
            },
            {"$set": {"taking_until": until}},
            **self._opts(),
        )
        return result.modified_count == 1

    async def stalled(self, now: datetime, limit: int) -> list[ResumableUpload]:
        query = {"received": True, "media_id": None, "taking_until": {"$lte": now}}
        cursor = self._collection.find(query, **self._opts())
        return [_upload(d) async for d in cursor.limit(limit)]

    async def taken(self, tenant_id: str, upload_id: str, media_id: str) -> None:
        await self._collection.update_one(
            {"tenant_id": tenant_id, "_id": upload_id},
            {"$set": {"media_id": media_id, "segments": []}},
            **self._opts(),
        )

    async def remove(
        self, tenant_id: str, upload_id: str, *, expired_by: datetime | None = None
    ) -> ResumableUpload | None:
        query: Document = {"tenant_id": tenant_id, "_id": upload_id}
        if expired_by is not None:  # not one a request has just extended
            query["expires_at"] = {"$lte": expired_by}
        found = await self._collection.find_one_and_delete(query, **self._opts())
        return None if found is None else _upload(found)

    async def expired(self, now: datetime, limit: int) -> list[ResumableUpload]:
        cursor = self._collection.find({"expires_at": {"$lte": now}}, **self._opts())
        return [_upload(d) async for d in cursor.sort("expires_at", 1).limit(limit)]


def _document(upload: ResumableUpload) -> Document:
    document = asdict(upload)
    document["_id"] = document.pop("upload_id")
    document["received"] = upload.received
    return document


def _upload(document: Document) -> ResumableUpload:
    return ResumableUpload(
        tenant_id=document["tenant_id"],
        upload_id=document["_id"],
        length=document["length"],
        created_at=document["created_at"],
        expires_at=document["expires_at"],
        filename=document.get("filename"),
        title=document.get("title", ""),
        offset=document["offset"],
        segments=tuple(Segment(**s) for s in document.get("segments", [])),
        media_id=document.get("media_id"),
        taking_until=document.get("taking_until"),
    )
