"""Staff's galleries: create, read, list, describe, set items, reorder, caption, delete.

Every change is told to other services (the publisher's release page shows the gallery's order
and captions) through the outbox, in the transaction of the change: ``GalleryUpdated`` with the
whole gallery, ``GalleryDeleted`` when it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from media.domain.errors import InvalidInputError, MediaNotFoundError
from media.domain.gallery import Gallery, GalleryItem, checked_items
from media.domain.ids import new_id
from media.service.events import gallery_deleted_event, gallery_updated_event
from media.service.ports import Caller, Deps, UnitOfWork
from media.service.transactions import retried


async def create(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller,
    *,
    title: str,
    release_id: str | None,
    items: Sequence[GalleryItem],
) -> Gallery:
    now = deps.clock.now()
    gallery = Gallery(
        tenant_id=caller.tenant_id,
        gallery_id=new_id(),
        title=title,
        release_id=release_id,
        items=checked_items(items),
        created_at=now,
        updated_at=now,
    )
    async with uow:
        await _known_media(uow, caller, gallery.media_ids)
        await uow.galleries.add(gallery)
        uow.emit(gallery_updated_event(gallery))
    return gallery


async def get(uow: UnitOfWork, caller: Caller, gallery_id: str) -> Gallery:
    async with uow:
        return await _existing(uow, caller, gallery_id)


async def page(
    uow: UnitOfWork, caller: Caller, *, after_id: str | None, limit: int
) -> list[Gallery]:
    async with uow:
        return await uow.galleries.page(caller.tenant_id, after_id=after_id, limit=limit)


Change = Callable[[Gallery], Gallery]


async def change(
    uow: UnitOfWork, caller: Caller, gallery_id: str, how: Change, *, new_media: bool = False
) -> Gallery:
    """Apply ``how`` to the stored gallery in a transaction (again if someone else changed it
    meanwhile); ``new_media``: check that every item it then holds exists."""

    async def block() -> Gallery:
        async with uow:
            gallery = await _existing(uow, caller, gallery_id)
            changed = how(gallery)
            if new_media:
                await _known_media(uow, caller, changed.media_ids)
            await uow.galleries.save(changed, expected_version=gallery.version)
            uow.emit(gallery_updated_event(changed))
            return changed

    return await retried(block)


async def delete(uow: UnitOfWork, deps: Deps, caller: Caller, gallery_id: str) -> None:
    async with uow:
        gallery = await _existing(uow, caller, gallery_id)
        if not await uow.galleries.delete(caller.tenant_id, gallery_id):
            raise MediaNotFoundError(f"No gallery {gallery_id}")  # deleted meanwhile
        uow.emit(gallery_deleted_event(gallery, deps.clock.now()))


async def _existing(uow: UnitOfWork, caller: Caller, gallery_id: str) -> Gallery:
    gallery = await uow.galleries.get(caller.tenant_id, gallery_id)
    if gallery is None:
        raise MediaNotFoundError(f"No gallery {gallery_id}")
    return gallery


async def _known_media(uow: UnitOfWork, caller: Caller, media_ids: Sequence[str]) -> None:
    """Every item exists in the caller's tenant (another tenant's are unknown alike)."""
    if not media_ids:
        return
    found = {item.media_id for item in await uow.media.many(caller.tenant_id, media_ids)}
    unknown = [media_id for media_id in media_ids if media_id not in found]
    if unknown:
        raise InvalidInputError(f"unknown media items: {', '.join(unknown)}", code="unknown_media")


async def republish(uow: UnitOfWork, *, batch_size: int = 100) -> int:
    """``GalleryUpdated`` again for every gallery of every tenant, a batch per transaction
    (for galleries made before the gallery events, or a service that starts following them
    later; consumers ignore a version they have); how many galleries."""
    total, after_id = 0, None
    while True:
        found = await _republish_batch(uow, after_id, batch_size)
        total += len(found)
        if len(found) < batch_size:
            return total
        after_id = found[-1].gallery_id


async def _republish_batch(uow: UnitOfWork, after_id: str | None, limit: int) -> list[Gallery]:
    async with uow:
        found = await uow.galleries.across_tenants(after_id=after_id, limit=limit)
        for gallery in found:
            uow.emit(gallery_updated_event(gallery))
        return found
