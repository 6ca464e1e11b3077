"""Staff's use of their items: read, list, describe, delete."""

from __future__ import annotations

from typing import Any

from media.domain.errors import MediaNotFoundError
from media.domain.item import MediaItem, Status
from media.service.events import processed_event
from media.service.ports import Caller, Deps, UnitOfWork
from media.service.transactions import retried
from newsroom_shared.events.media import MediaDeleted

# A deletion holds the item while the request removes its files, so the worker leaves it
# alone meanwhile; if the request dies, the worker finishes the job once this has passed.
PURGE_LEASE_S = 300.0


async def get(uow: UnitOfWork, caller: Caller, media_id: str) -> MediaItem:
    async with uow:
        return await _existing(uow, caller, media_id)


async def page(
    uow: UnitOfWork, caller: Caller, *, after_id: str | None, limit: int
) -> list[MediaItem]:
    async with uow:
        return await uow.media.page(caller.tenant_id, after_id=after_id, limit=limit)


async def describe(
    uow: UnitOfWork, deps: Deps, caller: Caller, media_id: str, changes: dict[str, Any]
) -> MediaItem:
    """Change the describing fields; a processed item's consumers hear of it again."""

    async def block() -> MediaItem:
        async with uow:
            item = await _existing(uow, caller, media_id)
            changed = item.described(item.fields.changed(**changes), deps.clock.now())
            await uow.media.save(changed, expected_version=item.version)
            if changed.status is Status.PROCESSED:
                uow.emit(processed_event(changed, deps.links))
            return changed

    return await retried(block)


async def delete(uow: UnitOfWork, deps: Deps, caller: Caller, media_id: str) -> MediaItem:
    """Mark it deleted and tell consumers; its files go right after (see ``purge``)."""

    async def block() -> MediaItem:
        async with uow:
            item = await _existing(uow, caller, media_id)
            now = deps.clock.now()
            deleted = item.deleted(now).claimed(f"delete:{media_id}", now, PURGE_LEASE_S)
            await uow.media.save(deleted, expected_version=item.version)
            uow.emit(MediaDeleted(tenant_id=item.tenant_id, media_id=item.media_id, deleted_at=now))
            return deleted

    return await retried(block)


async def purge(uow: UnitOfWork, deps: Deps, item: MediaItem) -> None:
    """A deleted item's files leave storage, its bytes leave the quota, then the item goes.
    Run again after a crash (the worker finds deleted items), it finishes the job."""
    await deps.storage.delete_all(item.tenant_id, item.media_id, keep=frozenset())

    async def block() -> None:
        async with uow:
            if await uow.media.remove(item):  # whoever removes it releases its bytes, once
                await uow.usage.add(item.tenant_id, -item.stored_bytes)

    await retried(block)


async def _existing(uow: UnitOfWork, caller: Caller, media_id: str) -> MediaItem:
    item = await uow.media.get(caller.tenant_id, media_id)
    if item is None:
        raise MediaNotFoundError(f"No media item {media_id}")
    return item
