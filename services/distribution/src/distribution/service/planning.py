"""Release events in: deliveries planned, or cancelled and marked for retraction."""

from __future__ import annotations

from datetime import datetime

from distribution.adapters.mongo.unit_of_work import MongoUnitOfWork
from distribution.domain.channels import Channel, WebhookConfig
from distribution.domain.delivery import plan_deliveries, withdraw
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished, ReleaseWithdrawn


async def plan_for_release(
    uow: MongoUnitOfWork, event: ReleasePublished | ReleaseEmbargoed, now: datetime
) -> int:
    """Stores the release's facts (the worker composes from them) and every delivery it calls
    for; returns how many deliveries are new (none when the same release is planned again)."""
    await uow.releases.remember(event)
    channels = [
        channel
        for channel in await uow.channels.serving(event.tenant_id, event.newsroom_id)
        if _wants(channel, event)
    ]
    wants_email = any(channel.kind == "email" for channel in channels)
    subscribers = (
        await uow.subscribers.reachable(event.tenant_id, event.newsroom_id) if wants_email else []
    )
    # The tenant's suppression list beats every newsroom's subscriber list.
    suppressed = await uow.suppressions.suppressed(
        event.tenant_id, sorted({s.email for s in subscribers})
    )
    subscribers = [s for s in subscribers if s.email not in suppressed]
    return await uow.deliveries.plan(plan_deliveries(event, channels, subscribers, now))


def _wants(channel: Channel, event: ReleasePublished | ReleaseEmbargoed) -> bool:
    """A webhook gets only the event types it subscribed to (named like "release.published")."""
    if not isinstance(channel.config, WebhookConfig):
        return True
    event_type = event.ce_type.removeprefix("io.newsroom.").rsplit(".v", 1)[0]
    return event_type in channel.config.event_types


async def withdraw_release(uow: MongoUnitOfWork, event: ReleaseWithdrawn, now: datetime) -> int:
    """Pending deliveries cancelled, sent posts marked for deletion; returns how many changed."""
    deliveries = await uow.deliveries.of_release(event.tenant_id, event.release_id)
    changed = [
        after for before in deliveries if (after := withdraw(before, now, event.reason)) != before
    ]
    await uow.deliveries.update_many(changed)
    await uow.deliveries.request_retractions(changed, now)
    return len(changed)
