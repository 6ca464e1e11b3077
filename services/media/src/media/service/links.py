"""Signed, expiring links to an item's files, for staff to hand out (a journalist under
embargo, a preview page) while the item is not public."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from media.domain.errors import MediaNotFoundError
from media.domain.releases import Access
from media.service.ports import Caller, Deps, UnitOfWork
from media.service.releases import item_access


@dataclass(frozen=True, slots=True)
class SignedFiles:
    access: Access
    expires_at: datetime
    urls: dict[str, str]  # by file name: original, thumbnail...


def expiry(deps: Deps, ttl_s: int) -> datetime:
    """``ttl_s`` from now, cut to the longest lifetime a link may have."""
    return deps.clock.now() + timedelta(seconds=max(1, min(ttl_s, deps.max_signed_ttl_s)))


async def signed_files(
    uow: UnitOfWork, deps: Deps, caller: Caller, media_id: str, ttl_s: int
) -> SignedFiles:
    expires_at = expiry(deps, ttl_s)
    async with uow:
        item = await uow.media.get(caller.tenant_id, media_id)
        access = None if item is None else await item_access(uow, caller.tenant_id, media_id)
    if item is None or access is None or item.reason is not None:
        raise MediaNotFoundError(f"No media item {media_id}")
    # Links leave the newsroom: to the public files only (``original`` names the original
    # without personal metadata; the upload itself is for staff).
    urls = {
        name: deps.links.signed_url(f.path(item.tenant_id, item.media_id), expires_at)
        for name, f in item.public_files
    }
    return SignedFiles(access, expires_at, urls)
