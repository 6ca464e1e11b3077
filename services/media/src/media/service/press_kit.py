"""A release's press kit: who may have it, and what is in it (see :mod:`media.domain.press_kit`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from media.domain.errors import MediaNotFoundError
from media.domain.press_kit import KitPlan, plan
from media.domain.releases import ReleaseState
from media.service.links import expiry
from media.service.ports import Caller, Deps, StoredContent, UnitOfWork
from media.service.public import known_release, shown_items
from media.service.serving import Proof


def kit_path(tenant_id: str, release_id: str) -> str:
    return f"/v1/public/{tenant_id}/releases/{release_id}/press-kit.zip"


@dataclass(frozen=True, slots=True)
class PressKit:
    plan: KitPlan
    contents: tuple[StoredContent, ...]  # each entry's public original, opened, in order
    public: bool


async def open_press_kit(
    uow: UnitOfWork, deps: Deps, tenant_id: str, release_id: str, proof: Proof
) -> PressKit:
    """A public release's kit for anyone; an embargoed or withdrawn one's for staff and signed
    links. Its processed items, in the gallery's order, each public original opened for
    streaming."""
    path = kit_path(tenant_id, release_id)
    verdict = deps.signatures.check(path, proof.expires, proof.signature, deps.clock.now())
    async with uow:
        release = await known_release(
            uow, tenant_id, release_id, staff=proof.staff, signature=verdict
        )
        gallery = await uow.galleries.of_release(tenant_id, release_id)
        shown = await shown_items(uow, release, gallery)
    kit = plan(release, [(s.item, s.place.caption or s.item.fields.caption) for s in shown])
    contents = []
    for entry in kit.entries:
        content = await deps.storage.open(tenant_id, entry.file.file_id)
        if content is None:  # deleted meanwhile: the kit is asked for again
            raise MediaNotFoundError(f"{entry.arcname} is gone; ask for the kit again")
        contents.append(content)
    return PressKit(kit, tuple(contents), public=release.state is ReleaseState.PUBLIC)


@dataclass(frozen=True, slots=True)
class SignedKit:
    url: str
    expires_at: datetime


async def signed_kit(
    uow: UnitOfWork, deps: Deps, caller: Caller, release_id: str, ttl_s: int
) -> SignedKit:
    """A signed link to a known release's kit (404 for a release this service has not heard
    of: a draft's media are not known to belong to it)."""
    async with uow:
        release = await uow.releases.get(caller.tenant_id, release_id)
    if release is None:
        raise MediaNotFoundError(f"No known release {release_id}")
    expires_at = expiry(deps, ttl_s)
    url = deps.links.signed_url(kit_path(caller.tenant_id, release_id), expires_at)
    return SignedKit(url, expires_at)
