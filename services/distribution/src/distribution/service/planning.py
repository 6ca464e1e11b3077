"""Release events in: deliveries planned (email fan-outs page by page, see
:mod:`distribution.domain.fanouts`), or cancelled and marked for retraction."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from distribution.domain.channels import Channel, WebhookConfig
from distribution.domain.delivery import Delivery, plan_deliveries, withdraw
from distribution.domain.fanouts import PAGE_SIZE, FanOut, FanOutMovedError, ReleaseEvent
from distribution.domain.releases import ReleaseFacts
from distribution.service.handoff import Handoff, Planned
from distribution.service.ports import UnitOfWork, UnitsOfWork
from newsroom_shared.events.publisher import ReleasePublished, ReleaseWithdrawn


async def plan_for_release(
    uow: UnitOfWork,
    event: ReleaseEvent,
    now: datetime,
    *,
    page_size: int = PAGE_SIZE,
    handoff: Handoff | None = None,
) -> int:
    """Stores the release's facts (the worker composes from them), plans a delivery for each
    public channel and starts a fan-out per email channel, planning its first page; returns how
    many deliveries are new (none when the same release is planned again). The rest of a large
    fan-out is planned by :func:`plan_next_page`. The new public deliveries are planned
    claimed by the worker of ``handoff`` when one runs here, and handed to it with their
    channels and facts once the transaction committed (see :mod:`distribution.service.handoff`)."""
    facts = await uow.releases.remember(event, newsroom_name=await _newsroom_name(uow, event))
    channels = [
        channel
        for channel in await uow.channels.serving(event.tenant_id, event.newsroom_id)
        if _wants(channel, event)
    ]
    public = [channel for channel in channels if channel.kind != "email"]
    posts = plan_deliveries(event, public, [], now)
    planned = len(await _plan_public(uow, posts, public, facts, now, handoff))
    for channel in (channel for channel in channels if channel.kind == "email"):
        fan_out = FanOut.start(event, channel.id, now)
        if await uow.fan_outs.start(fan_out):
            planned += await _plan_page(uow, fan_out, channel, event, now, page_size)
    return planned


async def _plan_public(
    uow: UnitOfWork,
    deliveries: list[Delivery],
    channels: list[Channel],
    facts: ReleaseFacts,
    now: datetime,
    handoff: Handoff | None,
) -> list[Delivery]:
    """Stores the posts and webhooks not stored yet; with a worker here, claimed for it and
    handed over once the transaction committed (:mod:`distribution.service.handoff`)."""
    claim = None if handoff is None else handoff.claim(len(deliveries), now)
    if handoff is None or claim is None:
        return await uow.deliveries.add_new(deliveries)
    claimed = [delivery.claimed_until(claim.lease_until, now) for delivery in deliveries]
    new = await uow.deliveries.add_new(claimed, claim=(claim.owner, claim.token))
    if new:
        handed = Planned(tuple(new), {c.id: c for c in channels}, facts, claim.token)
        uow.on_commit(partial(handoff.add, handed))
    return new


async def plan_next_page(
    uow: UnitOfWork, now: datetime, *, page_size: int = PAGE_SIZE
) -> int | None:
    """Plans the next page of the open fan-out that waited longest; None when none is open,
    else how many deliveries it planned. Raises FanOutMovedError when another transaction
    planned that page first (this one must roll back)."""
    fan_out = await uow.fan_outs.next_open()
    if fan_out is None:
        return None
    channel = await uow.channels.get(fan_out.tenant_id, fan_out.channel_id)
    if channel is None or not channel.enabled:
        await uow.fan_outs.advance(fan_out, fan_out.closed(now))
        return 0
    return await _plan_page(uow, fan_out, channel, fan_out.release_event(), now, page_size)


# Fan-outs plan pages only while fewer pending deliveries than this are due: enough to keep the
# attempts busy, not so many that a withdrawal finds thousands planned.
PLAN_AHEAD = 2_000


async def plan_ahead(
    units: UnitsOfWork, now: datetime, *, page_size: int = PAGE_SIZE, ahead: int = PLAN_AHEAD
) -> int | None:
    """The worker's planner: plans the next page of an open fan-out in its own transaction,
    unless ``ahead`` deliveries are due already. None: nothing to plan now; else how many
    deliveries were planned (0 for a page another worker planned first, or a fan-out closed
    because its channel is gone). With no fan-out open, one read and no transaction."""
    reader = units.reader()
    if await reader.fan_outs.next_open() is None or not await room_to_plan(
        reader, now, ahead=ahead
    ):
        return None
    try:
        return await units.transact(lambda uow: plan_next_page(uow, now, page_size=page_size))
    except FanOutMovedError:
        return 0  # another worker planned that page; on to the next


async def room_to_plan(uow: UnitOfWork, now: datetime, *, ahead: int) -> bool:
    """Whether fan-outs may plan another page: fewer than ``ahead`` pending deliveries are
    due. Pages are planned a little ahead of the sending, not all at once: a withdrawal then
    has few deliveries to cancel, and planning does not compete with the sending for the
    database."""
    return await uow.deliveries.count_due(now, up_to=ahead) < ahead


async def _plan_page(
    uow: UnitOfWork,
    fan_out: FanOut,
    channel: Channel,
    event: ReleaseEvent,
    now: datetime,
    page_size: int,
) -> int:
    page = await uow.subscribers.confirmed_page(
        fan_out.tenant_id, fan_out.newsroom_id, after=fan_out.after, limit=page_size
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
    planned = len(await uow.deliveries.add_new(deliveries, some_may_exist=previewed))
    await uow.fan_outs.advance(fan_out, fan_out.advanced(page, planned, now, page_size))
    return planned


async def _newsroom_name(uow: UnitOfWork, event: ReleaseEvent) -> str | None:
    """The event's own, or (events emitted before they carried it) the read model's."""
    if event.newsroom_name is not None:
        return event.newsroom_name
    newsroom = await uow.newsrooms.get(event.tenant_id, event.newsroom_id)
    return newsroom.name if newsroom else None


def _wants(channel: Channel, event: ReleaseEvent) -> bool:
    """A webhook gets only the event types it subscribed to (named like "release.published")."""
    if not isinstance(channel.config, WebhookConfig):
        return True
    event_type = event.ce_type.removeprefix("io.newsroom.").rsplit(".v", 1)[0]
    return event_type in channel.config.event_types


async def withdraw_release(uow: UnitOfWork, event: ReleaseWithdrawn, now: datetime) -> int:
    """Pending deliveries cancelled, sent posts marked for deletion; returns how many changed."""
    await uow.fan_outs.close_release(event.tenant_id, event.release_id, now)
    deliveries = await uow.deliveries.of_release(event.tenant_id, event.release_id)
    changed = [
        after for before in deliveries if (after := withdraw(before, now, event.reason)) != before
    ]
    await uow.deliveries.update_many(changed)
    await uow.deliveries.request_retractions(changed, now)
    return len(changed)
