"""Release events in: deliveries planned (email fan-outs page by page, see
:mod:`distribution.domain.fanouts`), or cancelled and marked for retraction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from distribution.adapters.mongo.unit_of_work import MongoUnitOfWork
from distribution.domain.channels import Channel, WebhookConfig
from distribution.domain.delivery import Delivery, plan_deliveries, withdraw
from distribution.domain.fanouts import PAGE_SIZE, FanOut, PageEnds, ReleaseEvent, held_until
from newsroom_shared.events.publisher import ReleasePublished, ReleaseWithdrawn


async def plan_for_release(uow: MongoUnitOfWork, event: ReleaseEvent, now: datetime) -> int:
    """Stores the release's facts (the worker composes from them), plans a delivery for each
    public channel and starts a fan-out per email channel, planning its first page; returns how
    many deliveries are new (none when the same release is planned again). The rest of a large
    fan-out is planned by :func:`plan_next_page`."""
    newsroom = await uow.newsrooms.get(event.tenant_id, event.newsroom_id)
    await uow.releases.remember(event, newsroom_name=newsroom.name if newsroom else None)
    channels = [
        channel
        for channel in await uow.channels.serving(event.tenant_id, event.newsroom_id)
        if _wants(channel, event)
    ]
    public = [channel for channel in channels if channel.kind != "email"]
    planned = await _queue(uow, plan_deliveries(event, public, [], now), now)
    for channel in (channel for channel in channels if channel.kind == "email"):
        fan_out = FanOut.start(event, channel.id, now)
        if await uow.fan_outs.start(fan_out):
            planned += await _plan_page(uow, fan_out, channel, event, now)
    return planned


async def plan_next_page(
    uow: MongoUnitOfWork, now: datetime, page_ends: PageEnds | None = None
) -> int | None:
    """Plans the next page of the open fan-out that waited longest; None when none is open,
    else how many deliveries it planned. Raises FanOutMovedError when another transaction
    planned that page first (this one must roll back). ``page_ends`` bounds the page's read
    (without it the page is read by its start and a limit)."""
    fan_out = await uow.fan_outs.next_open()
    if fan_out is None:
        return None
    channel = await uow.channels.get(fan_out.tenant_id, fan_out.channel_id)
    if channel is None or not channel.enabled:
        await uow.fan_outs.advance(fan_out, fan_out.closed(now))
        return 0
    up_to = await page_ends(fan_out, PAGE_SIZE) if page_ends is not None else None
    return await _plan_page(uow, fan_out, channel, fan_out.release_event(), now, up_to=up_to)


async def _plan_page(
    uow: MongoUnitOfWork,
    fan_out: FanOut,
    channel: Channel,
    event: ReleaseEvent,
    now: datetime,
    *,
    up_to: str | None = None,
) -> int:
    # Read in the page's transaction, whatever told where it ends: what it plans is the
    # subscribers as they are now (an address erased a moment ago is not planned again).
    page = await uow.subscribers.confirmed_page(
        fan_out.tenant_id, fan_out.newsroom_id, after=fan_out.after, limit=PAGE_SIZE, up_to=up_to
    )
    reachable = [s for s in page if s.reachable]  # neither bounced nor complained
    # The tenant's suppression list beats every newsroom's subscriber list.
    suppressed = await uow.suppressions.suppressed(
        fan_out.tenant_id, sorted({s.email for s in reachable})
    )
    readers = [s for s in reachable if s.email not in suppressed]
    # Pages of one fan-out never overlap (FanOut.advance), and fan-outs are one per (event
    # type, release, channel): only the lift of an embargo finds deliveries planned before,
    # the previews its invited journalists got.
    previewed = isinstance(event, ReleasePublished) and event.embargo_until is not None
    deliveries = plan_deliveries(event, [channel], readers, now)
    planned = await _queue(uow, deliveries, now, some_may_exist=previewed)
    await uow.fan_outs.advance(
        fan_out, fan_out.advanced(page, planned, now, PAGE_SIZE, up_to=up_to)
    )
    return planned


async def _queue(
    uow: MongoUnitOfWork, deliveries: list[Delivery], now: datetime, *, some_may_exist: bool = True
) -> int:
    """Stores the new ones of ``deliveries`` held for the ready queue, and queues them."""
    if not deliveries:
        return 0
    held = held_until(now)
    new = await uow.deliveries.add_new(
        [replace(d, next_attempt_at=held) for d in deliveries], some_may_exist=some_may_exist
    )
    await uow.ready.put(deliveries[0].tenant_id, [d.id for d in new], now)
    return len(new)


def _wants(channel: Channel, event: ReleaseEvent) -> bool:
    """A webhook gets only the event types it subscribed to (named like "release.published")."""
    if not isinstance(channel.config, WebhookConfig):
        return True
    event_type = event.ce_type.removeprefix("io.newsroom.").rsplit(".v", 1)[0]
    return event_type in channel.config.event_types


async def withdraw_release(uow: MongoUnitOfWork, event: ReleaseWithdrawn, now: datetime) -> int:
    """Pending deliveries cancelled, sent posts marked for deletion; returns how many changed."""
    await uow.fan_outs.close_release(event.tenant_id, event.release_id, now)
    deliveries = await uow.deliveries.of_release(event.tenant_id, event.release_id)
    changed = [
        after for before in deliveries if (after := withdraw(before, now, event.reason)) != before
    ]
    await uow.deliveries.update_many(changed)
    await uow.deliveries.request_retractions(changed, now)
    return len(changed)
