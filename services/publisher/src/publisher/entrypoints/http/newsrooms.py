"""Newsrooms of the caller's tenant (admins change them, everyone reads them)."""

from __future__ import annotations

from fastapi import APIRouter, status

from newsroom_shared.http.errors import error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, encode_cursor
from publisher.entrypoints.http.dependencies import Admin, PublisherDep, Viewer, cursor_str
from publisher.entrypoints.http.schemas.newsrooms import NewsroomCreate, NewsroomOut, NewsroomUpdate
from publisher.service import newsrooms

router = APIRouter(prefix="/v1/newsrooms", tags=["newsrooms"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(409))
async def create_newsroom(
    body: NewsroomCreate, caller: Admin, publisher: PublisherDep
) -> NewsroomOut:
    """Create a newsroom (its slug, and its own domain if given, must be free across the
    platform)."""
    newsroom = await newsrooms.create_newsroom(
        publisher.uow(),
        publisher.deps,
        caller,
        name=body.name,
        slug=body.slug,
        default_language=body.default_language,
        description=body.description,
        logo_media_id=body.logo_media_id,
        brand_color=body.brand_color,
        contacts=[c.to_domain() for c in body.contacts],
        requires_approval=body.requires_approval,
        domain=body.domain,
    )
    return NewsroomOut.of(newsroom)


@router.get("")
async def list_newsrooms(
    caller: Viewer, publisher: PublisherDep, limit: Limit, cursor: Cursor = None
) -> Page[NewsroomOut]:
    """List the tenant's newsrooms, newest first."""
    after = cursor_str(cursor, "id")
    page = await newsrooms.list_newsrooms(publisher.reader(), caller, after_id=after, limit=limit)
    next_cursor = encode_cursor({"id": page.items[-1].id}) if page.more else None
    return Page(items=[NewsroomOut.of(n) for n in page.items], next_cursor=next_cursor)


@router.get("/{newsroom_id}")
async def get_newsroom(newsroom_id: str, caller: Viewer, publisher: PublisherDep) -> NewsroomOut:
    """One newsroom."""
    return NewsroomOut.of(await newsrooms.get_newsroom(publisher.reader(), caller, newsroom_id))


@router.patch("/{newsroom_id}", responses=error_responses(409))
async def update_newsroom(
    newsroom_id: str, body: NewsroomUpdate, caller: Admin, publisher: PublisherDep
) -> NewsroomOut:
    """Change a newsroom's settings and its own domain (not its slug: public URLs carry it)."""
    newsroom = await newsrooms.change_newsroom(
        publisher.uow(), publisher.deps, caller, newsroom_id, body.to_domain()
    )
    return NewsroomOut.of(newsroom)
