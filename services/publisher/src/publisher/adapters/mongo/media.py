"""Collection ``media``: the last news about each media item, ``_id`` ``<tenant>:<media id>``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from newsroom_shared.mongo import Document
from newsroom_shared.page_versions import PageWriter
from publisher.domain.media import ImageSource, MediaDetails, MediaFact, MediaItem


def _document(item: MediaItem) -> Document:
    return {
        "_id": f"{item.tenant_id}:{item.media_id}",
        "tenant_id": item.tenant_id,
        "media_id": item.media_id,
        "fact": str(item.fact),
        "happened_at": item.happened_at,
        "updated_at": item.updated_at,
        "details": None if item.details is None else asdict(item.details),
    }


def _item(document: Document) -> MediaItem:
    return MediaItem(
        tenant_id=document["tenant_id"],
        media_id=document["media_id"],
        fact=MediaFact(document["fact"]),
        happened_at=document["happened_at"],
        updated_at=document["updated_at"],
        # Items recorded before details were kept have none: they show no image until reprocessed.
        details=_details(document["details"]) if document.get("details") else None,
    )


def _details(stored: Document) -> MediaDetails:
    sources = tuple(ImageSource(**source) for source in stored.get("sources", ()))
    return MediaDetails(**{**stored, "sources": sources})


class MongoMedia(PageWriter):
    COLLECTION = "media"

    async def get(self, tenant_id: str, media_id: str) -> MediaItem | None:
        found = await self._find_one({"tenant_id": tenant_id, "media_id": media_id})
        return None if found is None else _item(found)

    async def get_many(self, tenant_id: str, media_ids: Sequence[str]) -> dict[str, MediaItem]:
        query = {"tenant_id": tenant_id, "media_id": {"$in": list(media_ids)}}
        return {d["media_id"]: _item(d) async for d in self._collection.find(query, **self._opts())}

    async def put(self, item: MediaItem) -> None:
        self._pages.note(item.tenant_id)  # a picture's looks or words on a release page
        document = _document(item)
        await self._collection.replace_one(
            {"_id": document["_id"], "tenant_id": item.tenant_id},
            document,
            upsert=True,
            **self._opts(),
        )
