"""What visitors read without a key: newsrooms and their published releases (rate limited)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from newsroom_shared.http.errors import BadRequest, error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from newsroom_shared.http.ratelimit import rate_limit
from publisher.domain.release import Release
from publisher.entrypoints.http.dependencies import PublisherDep
from publisher.entrypoints.http.schemas.newsrooms import PublicNewsroom
from publisher.entrypoints.http.schemas.public import PublicRelease, PublicReleaseSummary
from publisher.service import public
from publisher.service.ports import PublicPosition

Slug = Annotated[str, Path(max_length=100)]
ERRORS = error_responses(404)


def public_position(cursor: str | None) -> PublicPosition | None:
    """Where the listing continues, from a cursor of the previous page (400 when invalid)."""
    if cursor is None:
        return None
    values = decode_cursor(cursor, required_keys=["p", "id"])
    published_at, release_id = values["p"], values["id"]
    if not isinstance(published_at, datetime) or not isinstance(release_id, str):
        raise BadRequest("invalid cursor", code="invalid_cursor")
    if published_at.tzinfo is None:
        raise BadRequest("invalid cursor", code="invalid_cursor")
    return PublicPosition(published_at=published_at, release_id=release_id)


def cursor_after(release: Release) -> str:
    """The cursor of the listing page that follows ``release``."""
    return encode_cursor({"p": release.published_at, "id": release.id})


def public_router(per_minute: int, burst: int) -> APIRouter:
    """The public routes, with their own rate limit buckets (one set per app)."""
    router = APIRouter(
        prefix="/v1/public",
        tags=["public"],
        dependencies=[Depends(rate_limit(per_minute, burst))],
    )

    @router.get("/newsrooms/{slug}", responses=ERRORS)
    async def get_public_newsroom(slug: Slug, publisher: PublisherDep) -> PublicNewsroom:
        """A newsroom's public profile."""
        return PublicNewsroom.of(await public.public_newsroom(publisher.reader(), slug))

    @router.get("/newsrooms/{slug}/releases")
    async def list_public_releases(
        slug: Slug,
        publisher: PublisherDep,
        limit: Limit,
        cursor: Cursor = None,
        tag: Annotated[str | None, Query(max_length=50)] = None,
        language: Annotated[str | None, Query(max_length=35)] = None,
    ) -> Page[PublicReleaseSummary]:
        """A newsroom's published releases, newest first."""
        page = await public.public_releases(
            publisher.reader(),
            slug,
            tag=tag,
            language=language,
            after=public_position(cursor),
            limit=limit,
        )
        next_cursor = cursor_after(page.items[-1].release) if page.more else None
        links = publisher.deps.links
        return Page(
            items=[PublicReleaseSummary.of(v, links) for v in page.items], next_cursor=next_cursor
        )

    @router.get("/newsrooms/{slug}/releases/{release_slug}", responses=ERRORS)
    async def get_public_release(
        slug: Slug, release_slug: Slug, publisher: PublisherDep
    ) -> PublicRelease:
        """One published release."""
        view = await public.public_release(publisher.reader(), slug, release_slug)
        return PublicRelease.of(view, publisher.deps.links)

    @router.get("/preview/{token}", responses=ERRORS)
    async def get_preview(
        token: Annotated[str, Path(max_length=1000)], publisher: PublisherDep
    ) -> PublicRelease:
        """An embargoed release through its signed preview link, until the lift."""
        view = await public.preview(publisher.reader(), publisher.deps, token)
        return PublicRelease.of(view, publisher.deps.links)

    return router
