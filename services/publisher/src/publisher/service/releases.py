"""Press releases: create, read, list, edit, delete, and their version history."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence

from newsroom_shared.events.base import Event
from publisher.domain.content import ContentChanges, MediaRef
from publisher.domain.errors import InvalidInputError, NotFoundError
from publisher.domain.history import ReleaseVersion
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release, slug_base, unique_slug
from publisher.domain.translations import check_language_free
from publisher.domain.workflow import Status
from publisher.service import events
from publisher.service.media import public_release_image
from publisher.service.newsrooms import load_newsroom
from publisher.service.ports import Caller, Deps, ReleaseFilter, UnitOfWork
from publisher.service.transactions import atomically
from publisher.service.views import ReleaseView, Slice

Step = Callable[[Release, Newsroom], Awaitable[list[Event]]]
"""Changes a loaded release (with its newsroom) and returns the events the change causes."""


async def load_release(uow: UnitOfWork, tenant_id: str, release_id: str) -> Release:
    release = await uow.releases.get(tenant_id, release_id)
    if release is None:
        raise NotFoundError("release", release_id)
    return release


async def load_release_and_newsroom(
    uow: UnitOfWork, tenant_id: str, release_id: str
) -> tuple[Release, Newsroom]:
    """The release and its newsroom, read in one go (every command on a release needs both)."""
    found = await uow.releases.get_with_newsroom(tenant_id, release_id)
    if found is None:
        raise NotFoundError("release", release_id)
    release, newsroom = found
    if newsroom is None:
        raise NotFoundError("newsroom", release.newsroom_id)
    return release, newsroom


async def store(uow: UnitOfWork, release: Release, *, loaded_version: int) -> None:
    """Save a changed release (if nobody changed it meanwhile) and its new version snapshot."""
    await uow.releases.save(release, expected_version=loaded_version)
    await uow.versions.add(ReleaseVersion.capture(release))


async def known_media(
    uow: UnitOfWork, tenant_id: str, media_ids: Sequence[str] | None
) -> dict[str, MediaRef]:
    """What we know of the media a release is about to reference; deleted items are refused."""
    if not media_ids:
        return {}
    items = await uow.media.get_many(tenant_id, media_ids)
    refs: dict[str, MediaRef] = {}
    for media_id, item in items.items():
        ref = item.as_ref()
        if ref is None:
            raise InvalidInputError("media_ids", f"media item {media_id!r} was deleted")
        refs[media_id] = ref
    return refs


async def _fit_slug(uow: UnitOfWork, release: Release) -> None:
    """Give a release whose URL is not public yet the slug of its current title."""
    base = slug_base(release.content.title)
    if release.slug_locked or re.fullmatch(rf"{re.escape(base)}(-\d+)?", release.slug):
        return
    taken = await uow.releases.slugs_taken(release.tenant_id, release.newsroom_id, base)
    release.rename(unique_slug(base, taken - {release.slug}))


async def create_release(
    uow: UnitOfWork, deps: Deps, caller: Caller, *, newsroom_id: str, changes: ContentChanges
) -> ReleaseView:
    async def command() -> ReleaseView:
        newsroom = await load_newsroom(uow, caller.tenant_id, newsroom_id)
        release = Release.draft(
            tenant_id=caller.tenant_id,
            newsroom_id=newsroom.id,
            default_language=newsroom.default_language,
            changes=changes,
            known_media=await known_media(uow, caller.tenant_id, changes.media_ids),
            actor=caller.actor,
            now=deps.clock.now(),
        )
        taken = await uow.releases.slugs_taken(caller.tenant_id, newsroom.id, release.slug)
        release.rename(unique_slug(release.slug, taken))
        await uow.releases.add(release)
        await uow.versions.add(ReleaseVersion.capture(release))
        return ReleaseView(release, newsroom)

    return await atomically(uow, command)


async def change_release(
    uow: UnitOfWork, caller: Caller, release_id: str, if_match: int | None, step: Step
) -> ReleaseView:
    """Load, check ``If-Match``, apply ``step``, store it with its events, in one transaction."""

    async def command() -> ReleaseView:
        release, newsroom = await load_release_and_newsroom(uow, caller.tenant_id, release_id)
        release.check_version(if_match)
        loaded_version = release.version
        emitted = await step(release, newsroom)
        if release.version != loaded_version:
            await store(uow, release, loaded_version=loaded_version)
        for event in emitted:
            uow.emit(event)
        return ReleaseView(release, newsroom)

    return await atomically(uow, command)


# A release in one of these is public or will be without another command: media an edit adds
# must be ready and described (``public_release_image``) as at publication.
GOING_PUBLIC = frozenset({Status.SCHEDULED, Status.EMBARGOED, Status.PUBLISHED})


async def edit_release(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller,
    release_id: str,
    changes: ContentChanges,
    *,
    if_match: int | None = None,
) -> ReleaseView:
    """Edit the content; editing a published release is a correction (ReleaseUpdated)."""

    async def step(release: Release, newsroom: Newsroom) -> list[Event]:
        had_media = set(release.content.media_ids)
        changed = release.edit(
            changes,
            known_media=await known_media(uow, caller.tenant_id, changes.media_ids),
            requires_approval=newsroom.requires_approval,
            actor=caller.actor,
            now=deps.clock.now(),
        )
        if not changed:
            return []
        if release.translation_group is not None and changes.language is not None:
            group = await uow.releases.translations(caller.tenant_id, [release.translation_group])
            check_language_free(release, group)  # one release per language among translations
        await _fit_slug(uow, release)
        if release.status not in GOING_PUBLIC:
            return []
        # Media it gains must be ready and described; what it had was checked when it went
        # public (a correction is never blocked by an older item's later news).
        added = [i for i in release.content.media_ids if i not in had_media]
        image = await public_release_image(uow, release, checked=added)
        if release.status is Status.PUBLISHED:
            return [events.updated(release, newsroom, deps.links, image)]
        return []

    return await change_release(uow, caller, release_id, if_match, step)


async def delete_release(
    uow: UnitOfWork, caller: Caller, release_id: str, *, if_match: int | None = None
) -> None:
    """Delete a release that never went out, with its history."""

    async def command() -> None:
        release, newsroom = await load_release_and_newsroom(uow, caller.tenant_id, release_id)
        release.check_version(if_match)
        release.check_deletable(requires_approval=newsroom.requires_approval)
        await uow.releases.delete(release)
        await uow.versions.delete_all(caller.tenant_id, release.id)

    await atomically(uow, command)


async def get_release(uow: UnitOfWork, caller: Caller, release_id: str) -> ReleaseView:
    async with uow:
        release, newsroom = await load_release_and_newsroom(uow, caller.tenant_id, release_id)
    return ReleaseView(release, newsroom)


async def list_releases(
    uow: UnitOfWork, caller: Caller, where: ReleaseFilter, *, after_id: str | None, limit: int
) -> Slice[ReleaseView]:
    async with uow:
        rows = await uow.releases.page(caller.tenant_id, where, after_id=after_id, limit=limit + 1)
        page = Slice.of(rows, limit)
        newsrooms: dict[str, Newsroom] = {}
        for release in page.items:
            if release.newsroom_id not in newsrooms:
                newsrooms[release.newsroom_id] = await load_newsroom(
                    uow, caller.tenant_id, release.newsroom_id
                )
    views = [ReleaseView(r, newsrooms[r.newsroom_id]) for r in page.items]
    return Slice(items=views, more=page.more)


async def list_versions(
    uow: UnitOfWork, caller: Caller, release_id: str, *, after_version: int | None, limit: int
) -> Slice[ReleaseVersion]:
    async with uow:
        await load_release(uow, caller.tenant_id, release_id)
        rows = await uow.versions.page(
            caller.tenant_id, release_id, after_version=after_version, limit=limit + 1
        )
    return Slice.of(rows, limit)


async def get_version(
    uow: UnitOfWork, caller: Caller, release_id: str, version: int
) -> ReleaseVersion:
    async with uow:
        found = await uow.versions.get(caller.tenant_id, release_id, version)
    if found is None:
        raise NotFoundError("release version", f"{release_id}@{version}")
    return found
