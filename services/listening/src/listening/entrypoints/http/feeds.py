"""RSS and Atom feed sources of the caller's tenant: admins add and delete them, viewers read
them and their polling status."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from listening.entrypoints.http.dependencies import (
    AdminTenant,
    ListeningDep,
    ViewerTenant,
    cursor_str,
)
from listening.entrypoints.http.schemas.feeds import FeedCreate, FeedOut
from listening.service import feeds
from newsroom_shared.http.errors import error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, encode_cursor

router = APIRouter(prefix="/v1/sources/feeds", tags=["sources"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(409, 422))
async def add_feed(body: FeedCreate, tenant: AdminTenant, listening: ListeningDep) -> FeedOut:
    """Poll a feed (first fetch at once); 422 when the URL may not be called, 409 when it is
    polled already or the tenant's limit is reached."""
    feed = await feeds.add_feed(
        listening.uow(), listening.feed_deps, tenant, url=body.url, name=body.name
    )
    listening.feeds_added.ring()
    return FeedOut.of(feed)


@router.get("")
async def list_feeds(
    tenant: ViewerTenant, listening: ListeningDep, limit: Limit, cursor: Cursor = None
) -> Page[FeedOut]:
    """List the tenant's feeds, newest first, with their polling status."""
    after = cursor_str(cursor, "id")
    page = await feeds.list_feeds(listening.reader(), tenant, after_id=after, limit=limit)
    next_cursor = encode_cursor({"id": page.items[-1].id}) if page.more else None
    return Page(items=[FeedOut.of(feed) for feed in page.items], next_cursor=next_cursor)


@router.get("/{feed_id}")
async def get_feed(feed_id: str, tenant: ViewerTenant, listening: ListeningDep) -> FeedOut:
    """A feed and its polling status."""
    return FeedOut.of(await feeds.get_feed(listening.reader(), tenant, feed_id))


@router.delete("/{feed_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_feed(feed_id: str, tenant: AdminTenant, listening: ListeningDep) -> Response:
    """Stop polling a feed (its mentions stay)."""
    await feeds.delete_feed(listening.uow(), tenant, feed_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
