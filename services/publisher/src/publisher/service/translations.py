"""Translations: link releases of one newsroom as translations of each other, unlink, list.

Links are not content: they make no new version and emit no event (a release's page shows its
published translations as they are when it is read). Every read and write is under the
caller's tenant, so another tenant's release is unknown here.
"""

from __future__ import annotations

from publisher.domain.errors import InvalidInputError
from publisher.domain.release import Release
from publisher.domain.translations import check_link, left_behind
from publisher.service.ports import Caller, UnitOfWork
from publisher.service.releases import load_release
from publisher.service.transactions import atomically


async def group_of(uow: UnitOfWork, release: Release) -> list[Release]:
    """``release`` and its translations (itself alone when it has none)."""
    if release.translation_group is None:
        return [release]
    return await uow.releases.translations(release.tenant_id, [release.translation_group])


async def link_translation(
    uow: UnitOfWork, caller: Caller, release_id: str, translation_id: str
) -> list[Release]:
    """Make ``translation_id`` a translation of ``release_id``; returns the group."""

    async def command() -> list[Release]:
        release = await load_release(uow, caller.tenant_id, release_id)
        other = await uow.releases.get(caller.tenant_id, translation_id)
        if other is None:  # another tenant's release too: named in the body, so 422
            raise InvalidInputError("release_id", f"no release {translation_id!r}")
        group = await group_of(uow, release)
        group_id = check_link(release, other, group)
        for member in (release, other):
            if member.translation_group != group_id:
                await uow.releases.set_translation_group(caller.tenant_id, member.id, group_id)
        return await uow.releases.translations(caller.tenant_id, [group_id])

    return await atomically(uow, command)


async def unlink_translation(uow: UnitOfWork, caller: Caller, release_id: str) -> None:
    """The release is no longer a translation of the others (a group of one is no group)."""

    async def command() -> None:
        release = await load_release(uow, caller.tenant_id, release_id)
        for member in left_behind(release, await group_of(uow, release)):
            if member.translation_group is not None:
                await uow.releases.set_translation_group(caller.tenant_id, member.id, None)

    await atomically(uow, command)


async def list_translations(uow: UnitOfWork, caller: Caller, release_id: str) -> list[Release]:
    """The release and its translations, whatever their status."""
    async with uow:
        release = await load_release(uow, caller.tenant_id, release_id)
        return await group_of(uow, release)
