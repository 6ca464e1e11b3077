"""Workflow commands on a release: review, schedule, publish (now or under embargo), withdraw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsroom_shared.events.base import Event
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.service import events
from publisher.service.media import public_release_image
from publisher.service.ports import Caller, Deps, UnitOfWork
from publisher.service.releases import change_release, get_release
from publisher.service.views import ReleaseView


async def submit(
    uow: UnitOfWork, deps: Deps, caller: Caller, release_id: str, *, if_match: int | None = None
) -> ReleaseView:
    async def step(release: Release, newsroom: Newsroom) -> list[Event]:
        release.submit(
            requires_approval=newsroom.requires_approval, actor=caller.actor, now=deps.clock.now()
        )
        return []

    return await change_release(uow, caller, release_id, if_match, step)


async def approve(
    uow: UnitOfWork, deps: Deps, caller: Caller, release_id: str, *, if_match: int | None = None
) -> ReleaseView:
    async def step(release: Release, newsroom: Newsroom) -> list[Event]:
        release.approve(
            requires_approval=newsroom.requires_approval, actor=caller.actor, now=deps.clock.now()
        )
        return []

    return await change_release(uow, caller, release_id, if_match, step)


async def reject(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller,
    release_id: str,
    *,
    comment: str,
    if_match: int | None = None,
) -> ReleaseView:
    async def step(release: Release, newsroom: Newsroom) -> list[Event]:
        release.reject(
            comment,
            requires_approval=newsroom.requires_approval,
            actor=caller.actor,
            now=deps.clock.now(),
        )
        return []

    return await change_release(uow, caller, release_id, if_match, step)


async def schedule(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller,
    release_id: str,
    *,
    publish_at: datetime,
    if_match: int | None = None,
) -> ReleaseView:
    async def step(release: Release, newsroom: Newsroom) -> list[Event]:
        release.schedule(
            publish_at,
            requires_approval=newsroom.requires_approval,
            actor=caller.actor,
            now=deps.clock.now(),
        )
        await public_release_image(uow, release)  # its media must be ready now, not at the hour
        return []

    return await change_release(uow, caller, release_id, if_match, step)


async def unschedule(
    uow: UnitOfWork, deps: Deps, caller: Caller, release_id: str, *, if_match: int | None = None
) -> ReleaseView:
    async def step(release: Release, newsroom: Newsroom) -> list[Event]:
        release.unschedule(
            requires_approval=newsroom.requires_approval, actor=caller.actor, now=deps.clock.now()
        )
        return []

    return await change_release(uow, caller, release_id, if_match, step)


async def publish(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller,
    release_id: str,
    *,
    embargo_until: datetime | None = None,
    if_match: int | None = None,
) -> ReleaseView:
    """Publish now (ReleasePublished) or under embargo (ReleaseEmbargoed, with a preview link)."""

    async def step(release: Release, newsroom: Newsroom) -> list[Event]:
        now = deps.clock.now()
        approval = newsroom.requires_approval
        if embargo_until is None:
            release.publish(requires_approval=approval, actor=caller.actor, now=now)
            image = await public_release_image(uow, release)
            return [events.published(release, newsroom, deps.links, image)]
        release.embargo(embargo_until, requires_approval=approval, actor=caller.actor, now=now)
        token = deps.links.preview_token(release, release.check_previewable())
        preview_url = deps.links.preview_url(token)
        image = await public_release_image(uow, release)
        return [events.embargoed(release, newsroom, deps.links, preview_url, image)]

    return await change_release(uow, caller, release_id, if_match, step)


async def withdraw(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller,
    release_id: str,
    *,
    reason: str,
    if_match: int | None = None,
) -> ReleaseView:
    async def step(release: Release, newsroom: Newsroom) -> list[Event]:
        now = deps.clock.now()
        release.withdraw(
            reason, requires_approval=newsroom.requires_approval, actor=caller.actor, now=now
        )
        return [events.withdrawn(release, now)]

    return await change_release(uow, caller, release_id, if_match, step)


@dataclass(frozen=True, slots=True)
class PreviewLink:
    token: str
    url: str
    expires_at: datetime


async def create_preview_link(
    uow: UnitOfWork, deps: Deps, caller: Caller, release_id: str
) -> PreviewLink:
    """A signed link that shows an embargoed release until its lift, and expires then."""
    view = await get_release(uow, caller, release_id)
    expires_at = view.release.check_previewable()
    token = deps.links.preview_token(view.release, expires_at)
    return PreviewLink(token=token, url=deps.links.preview_url(token), expires_at=expires_at)
