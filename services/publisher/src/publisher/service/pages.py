"""The public web pages' use cases: which release a visitor may read, by its stable URL.

A page is found by ``/<newsroom slug>/releases/<release id>`` (the URL events and emails carry):
the slug names the newsroom, and so the tenant; the release must belong to that very newsroom.
Only published releases are shown. A release that was public and is now withdrawn is gone, and
says so; a draft, a scheduled or an embargoed release (even one withdrawn before it ever went
out) does not exist for a visitor.
"""

from __future__ import annotations

from dataclasses import dataclass

from publisher.domain.errors import NotFoundError
from publisher.domain.release import Release
from publisher.domain.workflow import Status
from publisher.service.ports import UnitOfWork
from publisher.service.views import ReleaseView


@dataclass(frozen=True, slots=True)
class ReleasePage:
    """A release a visitor may see; ``withdrawn`` pages show only the withdrawal notice."""

    view: ReleaseView

    @property
    def withdrawn(self) -> bool:
        return self.view.release.status is Status.WITHDRAWN


def was_public(release: Release) -> bool:
    """Published now, or withdrawn after it had been published."""
    if release.status is Status.PUBLISHED:
        return True
    return release.status is Status.WITHDRAWN and release.published_at is not None


async def release_page(uow: UnitOfWork, newsroom_slug: str, release_id: str) -> ReleasePage:
    """The release at its public URL; NotFoundError unless a visitor may know it exists."""
    async with uow:
        newsroom = await uow.newsrooms.get_by_slug(newsroom_slug)
        release = (
            None if newsroom is None else await uow.releases.get(newsroom.tenant_id, release_id)
        )
    if newsroom is None or release is None or release.newsroom_id != newsroom.id:
        raise NotFoundError("release", release_id)
    if not was_public(release):
        raise NotFoundError("release", release_id)
    return ReleasePage(ReleaseView(release, newsroom))
