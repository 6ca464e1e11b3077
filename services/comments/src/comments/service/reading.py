"""What readers see: a release's thread page by page, and its comment count."""

from __future__ import annotations

from dataclasses import dataclass

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
    release_id: str
    visible: int
    open: bool


async def thread_page(
    uow: UnitOfWork, release_id: str, order: Order, after: Position | None, limit: int
) -> ThreadPage:
    async with uow:
        release = await public_release(uow, release_id)
        roots = await uow.comments.roots(release.tenant_id, release_id, order, after, limit + 1)
        page = roots[:limit]
        replies = await uow.comments.replies(
            release.tenant_id, release_id, [root.id for root in page]
        )
    return ThreadPage(release, threads(page, replies), more=len(roots) > limit)


async def comment_count(uow: UnitOfWork, deps: Deps, release_id: str) -> Count:
    async with uow:
        release = await public_release(uow, release_id)
        visible = await uow.comments.count_visible(release.tenant_id, release_id)
        settings = await load_settings(uow, release.tenant_id, release.newsroom_id)
    return Count(release_id, visible, release.is_open(deps.clock.now(), settings.open_days))
