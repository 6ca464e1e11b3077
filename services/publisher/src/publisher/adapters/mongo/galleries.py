"""Collection ``galleries``: the media service's galleries as last heard, ``_id``
``<tenant>:<gallery id>`` (a deleted one stays as a tombstone with its version)."""

from __future__ import annotations

from collections.abc import Sequence

from newsroom_shared.mongo import Document
from newsroom_shared.page_versions import PageWriter
from publisher.domain.gallery import GalleryPlace, KnownGallery


def _document(gallery: KnownGallery) -> Document:
    document: Document = {
        "_id": f"{gallery.tenant_id}:{gallery.gallery_id}",
        "tenant_id": gallery.tenant_id,
        "gallery_id": gallery.gallery_id,
        "version": gallery.version,
        "places": [{"media_id": p.media_id, "caption": p.caption} for p in gallery.places],
        "changed_at": gallery.changed_at,
        "deleted": gallery.deleted,
    }
    if gallery.release_id is not None:
        document["release_id"] = gallery.release_id
    return document


def _gallery(document: Document) -> KnownGallery:
    return KnownGallery(
        tenant_id=document["tenant_id"],
        gallery_id=document["gallery_id"],
        release_id=document.get("release_id"),
        version=document["version"],
        places=tuple(GalleryPlace(**place) for place in document["places"]),
        changed_at=document["changed_at"],
        deleted=document["deleted"],
    )


class MongoGalleries(PageWriter):
    COLLECTION = "galleries"

    async def get(self, tenant_id: str, gallery_id: str) -> KnownGallery | None:
        found = await self._find_one({"tenant_id": tenant_id, "gallery_id": gallery_id})
        return None if found is None else _gallery(found)

    async def naming(self, tenant_id: str, release_ids: Sequence[str]) -> list[KnownGallery]:
        """The galleries (not deleted) that name any of the releases."""
        query = {"tenant_id": tenant_id, "release_id": {"$in": list(release_ids)}, "deleted": False}
        return [_gallery(d) async for d in self._collection.find(query, **self._opts())]

    async def put(self, gallery: KnownGallery) -> None:
        # A release page's pictures, or its former release's (a gallery named by no release
        # changes no page, but is rare enough not to be worth telling apart).
        self._pages.note(gallery.tenant_id)
        document = _document(gallery)
        await self._collection.replace_one(
            {"_id": document["_id"], "tenant_id": gallery.tenant_id},
            document,
            upsert=True,
            **self._opts(),
        )
