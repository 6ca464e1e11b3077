"""Loading what commands act on, with the errors a missing or closed one answers."""

from __future__ import annotations

from datetime import datetime

from comments.domain.comment import Comment
from comments.domain.errors import ClosedError, ForbiddenError, NotFoundError
from comments.domain.moderation import BanKind
from comments.domain.releases import KnownRelease
from comments.domain.settings import CommentSettings
from comments.service.ports import UnitOfWork
from comments.service.settings import load_settings


async def public_release(uow: UnitOfWork, release_id: str) -> KnownRelease:
    """A published, not withdrawn release (any other looks absent to visitors)."""
    release = await uow.releases.find_public(release_id)
    if release is None or not release.is_public:
        raise NotFoundError("release", release_id)
    return release


async def open_release(
    uow: UnitOfWork, release_id: str, now: datetime
) -> tuple[KnownRelease, CommentSettings]:
    """A release that takes comments now, and its newsroom's settings."""
    release = await public_release(uow, release_id)
    settings = await load_settings(uow, release.tenant_id, release.newsroom_id)
    if not release.is_open(now, settings.open_days):
        raise ClosedError("comments on this release are closed")
    return release, settings


async def refuse_banned(
    uow: UnitOfWork, tenant_id: str, email_hash: str | None, client_hash: str | None
) -> None:
    """ForbiddenError when the commenter's email or client is banned in the tenant."""
    ids = [f"{kind.value}:{digest}" for kind, digest in _digests(email_hash, client_hash)]
    if ids and await uow.bans.any_of(tenant_id, ids):
        raise ForbiddenError("you may not comment in this newsroom")


def _digests(email_hash: str | None, client_hash: str | None) -> list[tuple[BanKind, str]]:
    pairs = ((BanKind.email, email_hash), (BanKind.client, client_hash))
    return [(kind, digest) for kind, digest in pairs if digest is not None]


async def comment_of(uow: UnitOfWork, tenant_id: str, comment_id: str) -> Comment:
    comment = await uow.comments.get(tenant_id, comment_id)
    if comment is None:
        raise NotFoundError("comment", comment_id)
    return comment


async def visible_comment(uow: UnitOfWork, release: KnownRelease, comment_id: str) -> Comment:
    """A comment readers can see on this release (any other looks absent to them)."""
    comment = await uow.comments.get(release.tenant_id, comment_id)
    if comment is None or comment.release_id != release.release_id or not comment.visible:
        raise NotFoundError("comment", comment_id)
    return comment
