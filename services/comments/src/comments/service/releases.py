"""The publisher's release events kept as this service's read model of releases."""

from __future__ import annotations

from comments.domain import releases
from comments.domain.releases import KnownRelease
from comments.service.ports import UnitOfWork
from newsroom_shared.events.publisher import ReleasePublished, ReleaseUpdated, ReleaseWithdrawn


async def release_published(uow: UnitOfWork, event: ReleasePublished | ReleaseUpdated) -> None:
    """A release is public (again, or corrected): it takes comments unless withdrawn."""
    when = event.published_at if isinstance(event, ReleasePublished) else event.updated_at
    fresh = KnownRelease(
        tenant_id=event.tenant_id,
        release_id=event.release_id,
        newsroom_id=event.newsroom_id,
        title=event.title,
        url=event.url,
        version=event.version,
        published_at=when,
    )
    current = await uow.releases.get(event.tenant_id, event.release_id)
    await uow.releases.put(releases.published(current, fresh))


async def release_withdrawn(uow: UnitOfWork, event: ReleaseWithdrawn) -> None:
    """A release was taken down: its comments close and its thread is no longer shown."""
    current = await uow.releases.get(event.tenant_id, event.release_id)
    await uow.releases.put(
        releases.withdrawn(
            current, event.tenant_id, event.release_id, event.newsroom_id, event.withdrawn_at
        )
    )
