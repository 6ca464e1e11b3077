"""Handling the media service's gallery events: keep the read model of release galleries."""

from __future__ import annotations

from newsroom_shared.events.media import GalleryDeleted, GalleryUpdated
from publisher.domain.gallery import GalleryPlace, KnownGallery
from publisher.service.ports import UnitOfWork


def gallery_of(event: GalleryUpdated | GalleryDeleted) -> KnownGallery:
    """The publisher's record of a gallery event (a deletion: a tombstone with its version)."""
    if isinstance(event, GalleryDeleted):
        return KnownGallery(
            tenant_id=event.tenant_id,
            gallery_id=event.gallery_id,
            release_id=None,
            version=event.version,
            places=(),
            changed_at=event.deleted_at,
            deleted=True,
        )
    return KnownGallery(
        tenant_id=event.tenant_id,
        gallery_id=event.gallery_id,
        release_id=event.release_id,
        version=event.version,
        places=tuple(GalleryPlace(p.media_id, p.caption) for p in event.items),
        changed_at=event.updated_at,
    )


async def on_gallery_event(uow: UnitOfWork, event: GalleryUpdated | GalleryDeleted) -> bool:
    """Apply one gallery event in the unit of work (the consumer's inbox transaction); False
    for old news (a version not above the one recorded), which changes nothing."""
    news = gallery_of(event)
    async with uow:
        if not news.supersedes(await uow.galleries.get(news.tenant_id, news.gallery_id)):
            return False
        await uow.galleries.put(news)
        return True
