"""What the worker decides about one claimed delivery: load what its attempt needs, give it up
when its recipient can no longer be mailed, or attempt it through its channel kind's sender.

The worker (:mod:`distribution.entrypoints.worker`) only schedules: claims, concurrency caps,
the group commit of outcomes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from distribution.adapters.mongo.unit_of_work import MongoUnitOfWork
from distribution.domain.channels import Channel
from distribution.domain.delivery import Delivery
from distribution.domain.outcomes import Outcome, PermanentFailure, TransientFailure
from distribution.domain.subscribers import Subscriber, keyed_digest
from distribution.service import dispatch
from distribution.service.dispatch import Senders
from newsroom_shared.mongo import Document

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Context:
    """What the attempts of one claimed batch need, loaded with one query per collection and
    tenant. Keyed by (tenant id, id)."""

    channels: dict[tuple[str, str], Channel] = field(default_factory=dict)
    releases: dict[tuple[str, str], Document] = field(default_factory=dict)
    subscribers: dict[tuple[str, str], Subscriber] = field(default_factory=dict)
    # (tenant id, address) on the tenant's suppression list (bounced, complained, by hand).
    suppressed: set[tuple[str, str]] = field(default_factory=set)

    def channel(self, delivery: Delivery) -> Channel | None:
        return self.channels.get((delivery.tenant_id, delivery.channel_id))

    def release(self, delivery: Delivery) -> Document | None:
        return self.releases.get((delivery.tenant_id, delivery.release_id))

    def subscriber(self, delivery: Delivery) -> Subscriber | None:
        return self.subscribers.get((delivery.tenant_id, delivery.recipient))


async def load_context(uow: MongoUnitOfWork, deliveries: Sequence[Delivery]) -> Context:
    """The channels, release facts, subscribers and suppressions of ``deliveries``, read as
    they are now (right before the attempts)."""
    context = Context()
    for tenant in sorted({d.tenant_id for d in deliveries}):
        mine = [d for d in deliveries if d.tenant_id == tenant]
        channels = await uow.channels.of_ids(tenant, sorted({d.channel_id for d in mine}))
        releases = await uow.releases.of_ids(tenant, sorted({d.release_id for d in mine}))
        readers = sorted({d.recipient for d in mine if d.channel_kind == "email"})
        subscribers = await uow.subscribers.of_ids(tenant, readers) if readers else {}
        emails = sorted({subscriber.email for subscriber in subscribers.values()})
        suppressed = await uow.suppressions.suppressed(tenant, emails)
        context.channels.update({(tenant, k): v for k, v in channels.items()})
        context.releases.update({(tenant, k): v for k, v in releases.items()})
        context.subscribers.update({(tenant, k): v for k, v in subscribers.items()})
        context.suppressed.update((tenant, email) for email in suppressed)
    return context


def reason_to_cancel(delivery: Delivery, context: Context) -> str | None:
    """Why the delivery must not be attempted at all, or None. Checked right before sending:
    the subscriber may have left, bounced or been suppressed since the release was planned."""
    if delivery.channel_kind != "email":
        return None
    subscriber = context.subscriber(delivery)
    if subscriber is None or not subscriber.reachable:
        return "the subscriber is no longer reachable"
    if (delivery.tenant_id, subscriber.email) in context.suppressed:
        return "the address is suppressed"
    return None


def event_recipient(delivery: Delivery, context: Context, digest_key: bytes) -> str | None:
    """What the delivery's event names as recipient when it is not the delivery's own: for
    an email a keyed digest of the address, never the address."""
    subscriber = context.subscriber(delivery)
    if delivery.channel_kind != "email" or subscriber is None:
        return None
    return keyed_digest(subscriber.email, digest_key)


async def attempt(senders: Senders, delivery: Delivery, context: Context, now: datetime) -> Outcome:
    """One attempt through the channel kind's sender. Far-side trouble comes back as an
    outcome; so does a bug of ours (retried with backoff, and logged)."""
    channel = context.channel(delivery)
    release = context.release(delivery)
    if channel is None or not channel.enabled:
        return PermanentFailure("the channel was removed or disabled")
    if release is None:
        return PermanentFailure("the release's facts are missing")
    try:
        if channel.kind == "webhook":
            return await dispatch.attempt_webhook(senders, delivery, channel, release)
        if channel.kind == "email":
            subscriber = context.subscriber(delivery)
            if subscriber is None:
                return PermanentFailure("the subscriber is gone")
            return await dispatch.attempt_email(
                senders, delivery, channel, release, subscriber, now
            )
        return await dispatch.attempt_social(senders, delivery, channel, release)
    except Exception as error:
        logger.exception("delivery %s: attempt raised", delivery.id)
        return TransientFailure(f"internal error: {type(error).__name__}")


async def retract(senders: Senders, delivery: Delivery, context: Context) -> Outcome:
    """Deletes every post a withdrawn release's delivery left on its network."""
    channel = context.channel(delivery)
    if channel is None:
        return PermanentFailure("the channel is gone")
    return await dispatch.retract_social(senders, delivery, channel)
