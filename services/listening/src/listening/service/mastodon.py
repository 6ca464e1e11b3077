"""Mastodon sources of a tenant: follow a timeline (admins), list, delete; and recording what a
followed timeline brought, in one transaction with the source's resume point."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from listening.domain.errors import NotFoundError
from listening.domain.mastodon import (
    MastodonSource,
    MastodonStatus,
    TimelineKind,
    later_id,
    status_item,
)
from listening.service.edits import withdraw
from listening.service.mastodon_intake import edit_to_post, status_to_post
from listening.service.ports import UnitOfWork
from listening.service.views import Slice


class TokenSealer(Protocol):
    def seal(self, token: str) -> str: ...


class CursorMovedError(Exception):
    """The source's resume point is not where this follower left it: another replica took the
    source over (or it was deleted). This follower must stop; nothing was recorded."""


async def follow_timeline(
    uow: UnitOfWork,
    sealer: TokenSealer,
    tenant_id: str,
    *,
    instance_url: str,
    timeline: TimelineKind,
    hashtag: str | None,
    local_only: bool,
    access_token: str | None,
    now: datetime,
) -> MastodonSource:
    """``instance_url`` and ``hashtag`` already checked (the HTTP layer's schema)."""
    source = MastodonSource.create(
        tenant_id=tenant_id,
        instance_url=instance_url,
        timeline=timeline,
        hashtag=hashtag,
        local_only=local_only,
        sealed_token=sealer.seal(access_token) if access_token else None,
        now=now,
    )
    async with uow:
        await uow.mastodon_sources.add(source)
    return source


async def list_timelines(
    uow: UnitOfWork, tenant_id: str, *, after_id: str | None, limit: int
) -> Slice[MastodonSource]:
    async with uow:
        rows = await uow.mastodon_sources.page(tenant_id, after_id=after_id, limit=limit + 1)
    return Slice.of(rows, limit)


async def get_timeline(uow: UnitOfWork, tenant_id: str, source_id: str) -> MastodonSource:
    async with uow:
        source = await uow.mastodon_sources.get(tenant_id, source_id)
    if source is None:
        raise NotFoundError("mastodon source", source_id)
    return source


async def unfollow_timeline(uow: UnitOfWork, tenant_id: str, source_id: str) -> None:
    """The replica holding its connection closes it at its next look (the source is gone)."""
    async with uow:
        if not await uow.mastodon_sources.delete(tenant_id, source_id):
            raise NotFoundError("mastodon source", source_id)


async def record_statuses(
    uow: UnitOfWork,
    source: MastodonSource,
    seen: str | None,
    statuses: Sequence[MastodonStatus],
    now: datetime,
) -> str | None:
    """Emits a ``PostFetched`` for each status newer than ``seen`` and moves the source's resume
    point to the newest, in one transaction: a crash before the commit records neither (the
    statuses are fetched again), after it both (they are not). Answers the new resume point.
    Raises :class:`CursorMovedError` when the stored point is no longer ``seen``."""
    fresh = [status for status in statuses if later_id(status.id, seen)]
    if not fresh:
        return seen
    newest = max(fresh, key=lambda status: (len(status.id), status.id)).id
    async with uow:
        if not await uow.mastodon_sources.advance(
            source.tenant_id, source.id, seen=seen, to=newest
        ):
            raise CursorMovedError(source.id)
        for status in fresh:
            post = status_to_post(source, status, now)
            if post is not None:
                uow.emit(post)
    return newest


async def record_edit(
    uow: UnitOfWork, source: MastodonSource, status: MastodonStatus, now: datetime
) -> None:
    """An edited status goes to matching again as a new version of its post; the resume point
    stays (an edit is no new status). Edits of statuses no mention was made of cost one post
    on the internal topic, as the status did."""
    post = edit_to_post(source, status, now)
    if post is None:
        return
    async with uow:
        uow.emit(post)


async def record_deletion(
    uow: UnitOfWork, source: MastodonSource, status_id: str, now: datetime
) -> int:
    """A deleted status withdraws its tenant's mention of it (found by the id this instance
    gave it; a boost's deletion names the boost, which withdraws nothing). Returns how many."""
    async with uow:
        return await withdraw(
            uow, source.tenant_id, status_item(source.instance_url, status_id), now
        )
