"""The publisher's release events kept as this service's read model of releases."""

from __future__ import annotations

from comments.domain import releases
from comments.domain.errors import TenantMismatchError
from comments.domain.releases import KnownRelease
from comments.service.ports import UnitOfWork
from newsroom_shared.events.publisher import ReleasePublished, ReleaseUpdated, ReleaseWithdrawn


async def release_published(uow: UnitOfWork, event: ReleasePublished | ReleaseUpdated) -> None:
    """A release is public (again, or corrected): it takes comments unless withdrawn."""
    await _not_another_tenants(uow, event.tenant_id, event.release_id)
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
    await _not_another_tenants(uow, event.tenant_id, event.release_id)
    current = await uow.releases.get(event.tenant_id, event.release_id)
    await uow.releases.put(
        releases.withdrawn(
            current, event.tenant_id, event.release_id, event.newsroom_id, event.withdrawn_at
        )
    )


async def _not_another_tenants(uow: UnitOfWork, tenant_id: str, release_id: str) -> None:
    """Release ids are global (a visitor names only the release): one that another tenant
    already has can never be applied, and must not wait in retries for that to change."""
    known = await uow.releases.find_public(release_id)
    if known is not None and known.tenant_id != tenant_id:
        raise TenantMismatchError(
            f"release {release_id!r} belongs to another tenant than {tenant_id!r}"
        )
