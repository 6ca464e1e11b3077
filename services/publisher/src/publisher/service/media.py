"""Handling the media service's events: keep release media refs in step with the media."""

from __future__ import annotations

from newsroom_shared.events.media import MediaDeleted, MediaProcessed, MediaRejected
from publisher.domain.media import MediaFact, MediaItem
from publisher.service.ports import Deps, UnitOfWork


async def record_media_fact(uow: UnitOfWork, deps: Deps, item: MediaItem) -> int:
    """Inside an open unit of work: store the news and update the tenant's releases that refer
    to the item; returns how many releases changed (0 for stale or repeated news)."""
    previous = await uow.media.get(item.tenant_id, item.media_id)
    if not item.supersedes(previous):
        return 0
    await uow.media.put(item)
    ref = item.as_ref()
    changed = 0
    for release in await uow.releases.referencing_media(item.tenant_id, item.media_id):
        if ref is None:
            touched = release.drop_media(item.media_id, deps.clock.now())
        else:
            touched = release.update_media(ref)
        if touched:
            await uow.releases.save(release, expected_version=release.version)
            changed += 1
    return changed


def item_of(event: MediaProcessed | MediaRejected | MediaDeleted, deps: Deps) -> MediaItem:
    """The publisher's record of a media event."""
    if isinstance(event, MediaProcessed):
        fact, at = MediaFact.PROCESSED, event.processed_at
    elif isinstance(event, MediaRejected):
        fact, at = MediaFact.REJECTED, event.rejected_at
    else:
        fact, at = MediaFact.DELETED, event.deleted_at
    return MediaItem(
        tenant_id=event.tenant_id,
        media_id=event.media_id,
        fact=fact,
        happened_at=at,
        updated_at=deps.clock.now(),
    )


async def on_media_event(
    uow: UnitOfWork, deps: Deps, event: MediaProcessed | MediaRejected | MediaDeleted
) -> int:
    """Apply one media event in the unit of work (the consumer's inbox transaction)."""
    async with uow:
        return await record_media_fact(uow, deps, item_of(event, deps))
