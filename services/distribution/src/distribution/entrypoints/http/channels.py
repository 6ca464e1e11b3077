"""Channels of the caller's tenant: editors change them, everyone reads them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from distribution.entrypoints.http.dependencies import (
    DistributionDep,
    EditorTenant,
    ViewerTenant,
    cursor_str,
)
from distribution.entrypoints.http.schemas.channels import (
    ChannelCreated,
    ChannelOut,
    FailedAttemptOut,
)
from distribution.entrypoints.http.schemas.channels_in import ChannelCreate, ChannelUpdate
from distribution.service import channels
from newsroom_shared.events.distribution import ChannelKind
from newsroom_shared.http.errors import error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, page_of

router = APIRouter(prefix="/v1/channels", tags=["channels"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_channel(
    body: ChannelCreate, tenant: EditorTenant, distribution: DistributionDep
) -> ChannelCreated:
    """Create a channel; a webhook's signing secret is in this answer only."""
    allow = distribution.settings.allow_insecure_urls
    created = await distribution.transact(
        lambda uow: channels.create_channel(
            uow,
            tenant,
            newsroom_id=body.newsroom_id,
            kind=body.kind,
            name=body.name,
            settings=body.settings_given(),
            credentials=body.credentials_given(),
            enabled=body.enabled,
            allow_insecure=allow,
        )
    )
    out = ChannelOut.of(created.channel)
    return ChannelCreated(**out.model_dump(), webhook_secret=created.webhook_secret)


@router.get("")
async def list_channels(
    tenant: ViewerTenant,
    distribution: DistributionDep,
    limit: Limit,
    cursor: Cursor = None,
    newsroom_id: Annotated[str | None, Query(max_length=100)] = None,
    kind: ChannelKind | None = None,
) -> Page[ChannelOut]:
    """List the tenant's channels, optionally of one newsroom or kind."""
    rows = await channels.list_channels(
        distribution.reader(),
        tenant,
        newsroom_id=newsroom_id,
        kind=kind,
        after_id=cursor_str(cursor, "id"),
        limit=limit + 1,
    )
    page = page_of([ChannelOut.of(c) for c in rows], limit, lambda c: {"id": c.id})
    return page


@router.get("/{channel_id}")
async def get_channel(
    channel_id: str, tenant: ViewerTenant, distribution: DistributionDep
) -> ChannelOut:
    """One channel (which credentials are set, never their values)."""
    return ChannelOut.of(await channels.get_channel(distribution.reader(), tenant, channel_id))


@router.get("/{channel_id}/failures")
async def channel_failures(
    channel_id: str,
    tenant: ViewerTenant,
    distribution: DistributionDep,
    limit: Limit,
    cursor: Cursor = None,
) -> Page[FailedAttemptOut]:
    """The channel's failure log: every attempt that did not deliver, newest first (30 days)."""
    rows = await channels.failure_log(
        distribution.reader(),
        tenant,
        channel_id,
        before_id=cursor_str(cursor, "id"),
        limit=limit + 1,
    )
    entries = [FailedAttemptOut.of(entry_id, entry) for entry_id, entry in rows]
    return page_of(entries, limit, lambda e: {"id": e.id})


@router.patch("/{channel_id}", responses=error_responses(409))
async def update_channel(
    channel_id: str, body: ChannelUpdate, tenant: EditorTenant, distribution: DistributionDep
) -> ChannelOut:
    """Rename, enable or disable, or replace the settings or the credentials."""
    allow = distribution.settings.allow_insecure_urls
    channel = await distribution.transact(
        lambda uow: channels.change_channel(
            uow,
            tenant,
            channel_id,
            kind=body.kind_named,
            name=body.name,
            enabled=body.enabled,
            settings=body.settings_given(),
            credentials=body.credentials_given(),
            allow_insecure=allow,
        )
    )
    return ChannelOut.of(channel)


@router.delete(
    "/{channel_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
async def delete_channel(
    channel_id: str, tenant: EditorTenant, distribution: DistributionDep
) -> Response:
    """Delete a channel; its pending deliveries are cancelled."""
    now = distribution.clock.now()
    await distribution.transact(lambda uow: channels.delete_channel(uow, tenant, channel_id, now))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
