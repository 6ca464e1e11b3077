"""What readers see: a release's thread page by page, and its comment count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from comments.domain.releases import KnownRelease
from comments.domain.threads import Node, threads
from comments.service.lookups import public_release
from comments.service.ports import Deps, Order, Position, UnitOfWork
from comments.service.settings import load_settings


@dataclass(frozen=True, slots=True)
class ThreadPage:
    release: KnownRelease
    nodes: list[Node]
    more: bool
    """Another page follows the last node's root."""


@dataclass(frozen=True, slots=True)
class Count:
    release: KnownRelease
    visible: int
    open: bool
    closes_at: datetime | None
    """When ``open`` turns false with time alone (None: it does not)."""

    @property
    def release_id(self) -> str:
        return self.release.release_id


async def thread_page(
    uow: UnitOfWork, release_id: str, order: Order, after: Position | None, limit: int
) -> ThreadPage:
    async with uow:
        release = await public_release(uow, release_id)
        # One more root than asked tells whether another page follows.
        roots, replies = await uow.comments.thread(
            release.tenant_id, release_id, order, after, limit + 1
        )
    page = roots[:limit]
    return ThreadPage(release, threads(page, replies), more=len(roots) > limit)


async def comment_count(uow: UnitOfWork, deps: Deps, release_id: str) -> Count:
    async with uow:
        release = await public_release(uow, release_id)
        visible = await uow.comments.count_visible(release.tenant_id, release_id)
        settings = await load_settings(uow, release.tenant_id, release.newsroom_id)
    now, open_days = deps.clock.now(), settings.open_days
    return Count(release, visible, release.is_open(now, open_days), release.closes_at(open_days))
