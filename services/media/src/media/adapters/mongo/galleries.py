"""Collection ``galleries``: one document per gallery (``_id`` the gallery id)."""

from __future__ import annotations

from dataclasses import asdict

from pymongo.errors import DuplicateKeyError

from media.adapters.mongo.base import Repository
from media.domain.errors import ConcurrentModificationError, ReleaseHasGalleryError
from media.domain.gallery import Gallery, GalleryItem
from newsroom_shared.mongo import Document


def gallery_document(gallery: Gallery) -> Document:
    document: Document = {
        "_id": gallery.gallery_id,
        "tenant_id": gallery.tenant_id,
        "title": gallery.title,
        "items": [asdict(item) for item in gallery.items],
        "created_at": gallery.created_at,
        "updated_at": gallery.updated_at,
        "version": gallery.version,
    }
    if gallery.release_id is not None:  # absent, not null: the unique index skips it then
        document["release_id"] = gallery.release_id
    return document


def gallery_of(document: Document) -> Gallery:
    return Gallery(
        tenant_id=document["tenant_id"],
        gallery_id=document["_id"],
        title=document["title"],
        release_id=document.get("release_id"),
        items=tuple(GalleryItem(**item) for item in document["items"]),
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        version=document["version"],
    )


class MongoGalleries(Repository):
    COLLECTION = "galleries"

    async def add(self, gallery: Gallery) -> None:
        try:
            await self._collection.insert_one(gallery_document(gallery), **self._opts())
        except DuplicateKeyError as error:
            raise ReleaseHasGalleryError(_taken(gallery)) from error

    async def get(self, tenant_id: str, gallery_id: str) -> Gallery | None:
        found = await self._collection.find_one(
            {"tenant_id": tenant_id, "_id": gallery_id}, **self._opts()
        )
        return None if found is None else gallery_of(found)

    async def of_release(self, tenant_id: str, release_id: str) -> Gallery | None:
        found = await self._collection.find_one(
            {"tenant_id": tenant_id, "release_id": release_id}, **self._opts()
        )
        return None if found is None else gallery_of(found)

    async def save(self, gallery: Gallery, *, expected_version: int) -> None:
        try:
            result = await self._collection.replace_one(
                {
                    "_id": gallery.gallery_id,
                    "tenant_id": gallery.tenant_id,
                    "version": expected_version,
                },
                gallery_document(gallery),
                **self._opts(),
            )
        except DuplicateKeyError as error:
            raise ReleaseHasGalleryError(_taken(gallery)) from error
        if result.matched_count != 1:
            raise ConcurrentModificationError(f"gallery {gallery.gallery_id} changed meanwhile")

    async def delete(self, tenant_id: str, gallery_id: str) -> bool:
        result = await self._collection.delete_one(
            {"tenant_id": tenant_id, "_id": gallery_id}, **self._opts()
        )
        return result.deleted_count == 1

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[Gallery]:
        query: dict[str, object] = {"tenant_id": tenant_id}
        if after_id is not None:
            query["_id"] = {"$lt": after_id}
        cursor = self._collection.find(query, **self._opts()).sort("_id", -1).limit(limit)
        return [gallery_of(document) async for document in cursor]

    async def across_tenants(self, *, after_id: str | None, limit: int) -> list[Gallery]:
        query: dict[str, object] = {} if after_id is None else {"_id": {"$gt": after_id}}
        cursor = self._collection.find(query, **self._opts()).sort("_id", 1).limit(limit)
        return [gallery_of(document) async for document in cursor]


def _taken(gallery: Gallery) -> str:
    return f"release {gallery.release_id} already has a gallery"
