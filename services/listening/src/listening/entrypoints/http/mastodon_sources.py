"""Mastodon sources of the caller's tenant: admins follow and unfollow timelines, viewers see
them and how their connections are doing."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from listening.domain.mastodon import instance_origin, normalise_hashtag
from listening.entrypoints.http.dependencies import (
    AdminTenant,
    ListeningDep,
    ViewerTenant,
    cursor_str,
)
from listening.entrypoints.http.schemas.mastodon_sources import (
    HashtagTimelineCreate,
    MastodonSourceCreate,
    MastodonSourceOut,
)
from listening.service import mastodon
from newsroom_shared.http.errors import error_responses, invalid_input
from newsroom_shared.http.pagination import Cursor, Limit, Page, encode_cursor

router = APIRouter(prefix="/v1/sources/mastodon", tags=["sources"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(409))
async def follow_mastodon_timeline(
    body: MastodonSourceCreate, tenant: AdminTenant, listening: ListeningDep
) -> MastodonSourceOut:
    """Follow an instance's public or hashtag timeline; 409 when the tenant already does."""
    allow = listening.settings.allow_insecure_urls
    try:
        origin = instance_origin(body.instance_url, allow_insecure=allow)
    except ValueError as error:
        raise invalid_input("body.instance_url", str(error)) from None
    hashtag = None
    if isinstance(body, HashtagTimelineCreate):
        try:
            hashtag = normalise_hashtag(body.hashtag)
        except ValueError as error:
            raise invalid_input("body.hashtag", str(error)) from None
    token = body.access_token.get_secret_value() if body.access_token else None
    source = await mastodon.follow_timeline(
        listening.uow(),
        listening.mastodon.tokens,
        tenant,
        instance_url=origin,
        timeline=body.timeline,
        hashtag=hashtag,
        local_only=body.local_only,
        access_token=token or None,
        now=listening.deps.clock.now(),
    )
    return MastodonSourceOut.of(source)


@router.get("")
async def list_mastodon_sources(
    tenant: ViewerTenant, listening: ListeningDep, limit: Limit, cursor: Cursor = None
) -> Page[MastodonSourceOut]:
    """The tenant's Mastodon sources, newest first, each with its connection's state."""
    after = cursor_str(cursor, "id")
    page = await mastodon.list_timelines(listening.reader(), tenant, after_id=after, limit=limit)
    next_cursor = encode_cursor({"id": page.items[-1].id}) if page.more else None
    return Page(items=[MastodonSourceOut.of(s) for s in page.items], next_cursor=next_cursor)


@router.get("/{mastodon_source_id}")
async def get_mastodon_source(
    mastodon_source_id: str, tenant: ViewerTenant, listening: ListeningDep
) -> MastodonSourceOut:
    """One Mastodon source and its connection's state."""
    source = await mastodon.get_timeline(listening.reader(), tenant, mastodon_source_id)
    return MastodonSourceOut.of(source)


@router.delete("/{mastodon_source_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unfollow_mastodon_timeline(
    mastodon_source_id: str, tenant: AdminTenant, listening: ListeningDep
) -> Response:
    """Stop following: the replica holding the connection closes it at its next look."""
    await mastodon.unfollow_timeline(listening.uow(), tenant, mastodon_source_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
