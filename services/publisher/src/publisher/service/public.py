"""What visitors see, without a key: newsrooms, their published releases, preview links."""

from __future__ import annotations

from publisher.domain.errors import NotFoundError
from publisher.domain.newsroom import Newsroom
from publisher.domain.workflow import Status
from publisher.service.ports import Deps, PublicPosition, UnitOfWork
from publisher.service.views import ReleaseView, Slice


async def _newsroom(uow: UnitOfWork, slug: str) -> Newsroom:
    newsroom = await uow.newsrooms.get_by_slug(slug)
    if newsroom is None:
        raise NotFoundError("newsroom", slug)
    return newsroom


async def public_newsroom(uow: UnitOfWork, slug: str) -> Newsroom:
    async with uow:
        return await _newsroom(uow, slug)


async def public_releases(
    uow: UnitOfWork,
    slug: str,
    *,
    tag: str | None,
    language: str | None,
    after: PublicPosition | None,
    limit: int,
) -> Slice[ReleaseView]:
    """Published releases of a newsroom, newest first (embargoed ones stay out until the lift)."""
    async with uow:
        newsroom = await _newsroom(uow, slug)
        rows = await uow.releases.list_published(
            newsroom.tenant_id,
            newsroom.id,
            tag=tag.lower() if tag else None,
            language=language,
            after=after,
            limit=limit + 1,
        )
    page = Slice.of(rows, limit)
    return Slice(items=[ReleaseView(r, newsroom) for r in page.items], more=page.more)


async def public_release(uow: UnitOfWork, slug: str, release_slug: str) -> ReleaseView:
    async with uow:
        newsroom = await _newsroom(uow, slug)
        release = await uow.releases.get_published(newsroom.tenant_id, newsroom.id, release_slug)
    if release is None:
        raise NotFoundError("release", release_slug)
    return ReleaseView(release, newsroom)


async def preview(uow: UnitOfWork, deps: Deps, token: str) -> ReleaseView:
    """The embargoed release behind a valid preview link; after the lift the link is dead."""
    now = deps.clock.now()
    found = deps.links.read_preview_token(token, now)
    if found is None:
        raise NotFoundError("preview", "link")
    tenant_id, release_id = found
    async with uow:
        release = await uow.releases.get(tenant_id, release_id)
        newsroom = (
            None if release is None else await uow.newsrooms.get(tenant_id, release.newsroom_id)
        )
    if release is None or newsroom is None or release.status is not Status.EMBARGOED:
        raise NotFoundError("preview", "link")
    if release.embargo_until is None or release.embargo_until <= now:
        raise NotFoundError("preview", "link")
    return ReleaseView(release, newsroom)
