"""What the worker decides about claimed deliveries: claim them with what their attempts need,
give one up when its recipient can no longer be mailed, attempt it through its channel kind's
sender, record the outcome (by group commit); and the same for posts to delete.

The worker (:mod:`distribution.entrypoints.worker`) only schedules: when to claim, how many at
once, the per-kind concurrency caps. Everything it decides goes through :class:`Deliverer`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from distribution.domain.alerts import ALERT_EMAIL_CHANNEL
from distribution.domain.channels import Channel
from distribution.domain.delivery import Delivery
from distribution.domain.outcomes import Outcome, PermanentFailure, TransientFailure
from distribution.domain.releases import ReleaseFacts
from distribution.domain.subscribers import Subscriber, keyed_digest
from distribution.service import attempts, dispatch
from distribution.service.attempts import Attempted, Claimed
from distribution.service.dispatch import Senders
from distribution.service.group_commit import MAX_WAIT_S, OutcomeRecorder, nothing_expected
from distribution.service.handoff import Planned
from distribution.service.ports import UnitOfWork, UnitsOfWork
from newsroom_shared.clock import Clock

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Context:
    """What the attempts of one claimed batch need, loaded with one query per collection and
    tenant. Keyed by (tenant id, id)."""

    channels: dict[tuple[str, str], Channel] = field(default_factory=dict)
    releases: dict[tuple[str, str], ReleaseFacts] = field(default_factory=dict)
    subscribers: dict[tuple[str, str], Subscriber] = field(default_factory=dict)
    # (tenant id, address) on the tenant's suppression list (bounced, complained, by hand).
    suppressed: set[tuple[str, str]] = field(default_factory=set)
    # Alerts' facts (the spikes), keyed like releases by (tenant id, alert id).
    alerts: dict[tuple[str, str], ReleaseFacts] = field(default_factory=dict)

    def channel(self, delivery: Delivery) -> Channel | None:
        return self.channels.get((delivery.tenant_id, delivery.channel_id))

    def release(self, delivery: Delivery) -> ReleaseFacts | None:
        facts = self.alerts if delivery.alert else self.releases
        return facts.get((delivery.tenant_id, delivery.release_id))

    def subscriber(self, delivery: Delivery) -> Subscriber | None:
        return self.subscribers.get((delivery.tenant_id, delivery.recipient))


async def load_context(uow: UnitOfWork, deliveries: Sequence[Delivery]) -> Context:
    """The channels, release facts, subscribers and suppressions of ``deliveries``, read as
    they are now (right before the attempts)."""
    context = Context()
    for tenant in sorted({d.tenant_id for d in deliveries}):
        mine = [d for d in deliveries if d.tenant_id == tenant]
        channel_ids = {d.channel_id for d in mine if d.channel_id != ALERT_EMAIL_CHANNEL}
        channels = await uow.channels.of_ids(tenant, sorted(channel_ids))
        releases = await uow.releases.of_ids(
            tenant, sorted({d.release_id for d in mine if not d.alert})
        )
        alert_ids = sorted({d.release_id for d in mine if d.alert})
        if alert_ids:
            alerts = await uow.alerts.of_ids(tenant, alert_ids)
            context.alerts.update({(tenant, k): v for k, v in alerts.items()})
        readers = sorted({d.recipient for d in mine if d.channel_kind == "email" and not d.alert})
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
    if delivery.alert:  # to staff, at the address they set: no subscriber, no suppression
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
    if delivery.channel_kind != "email":
        return None
    if delivery.alert:
        return keyed_digest(delivery.recipient, digest_key)
    subscriber = context.subscriber(delivery)
    if subscriber is None:
        return None
    return keyed_digest(subscriber.email, digest_key)


async def attempt(senders: Senders, delivery: Delivery, context: Context, now: datetime) -> Outcome:
    """One attempt through the channel kind's sender. Far-side trouble comes back as an
    outcome; so does a bug of ours (retried with backoff, and logged)."""
    if delivery.alert:
        return await _attempt_alert(senders, delivery, context, now)
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


async def _attempt_alert(
    senders: Senders, delivery: Delivery, context: Context, now: datetime
) -> Outcome:
    spike = context.release(delivery)
    if spike is None:
        return PermanentFailure("the alert's facts are missing")
    try:
        if delivery.channel_kind == "email":
            return await dispatch.attempt_alert_email(senders, delivery, spike, now)
        channel = context.channel(delivery)
        if channel is None or not channel.enabled:
            return PermanentFailure("the channel was removed or disabled")
        return await dispatch.attempt_webhook(senders, delivery, channel, spike)
    except Exception as error:
        logger.exception("alert delivery %s: attempt raised", delivery.id)
        return TransientFailure(f"internal error: {type(error).__name__}")


async def retract(senders: Senders, delivery: Delivery, context: Context) -> Outcome:
    """Deletes every post a withdrawn release's delivery left on its network."""
    channel = context.channel(delivery)
    if channel is None:
        return PermanentFailure("the channel is gone")
    return await dispatch.retract_social(senders, delivery, channel)


def largest_claim(batch_size: int, lease: timedelta, sends_per_s: float | None) -> int:
    """How many deliveries one claim may take: ``batch_size``, or fewer when sending is paced.

    Every attempt of a claim must start while three quarters of its lease are left
    (:meth:`Deliverer.lease_holds`); past that another worker may take it over. Paced at
    ``sends_per_s``, the last of ``n`` claimed emails starts about ``n / sends_per_s`` seconds
    after the claim, so a claim takes at most what the pace sends in half the lease (a quarter
    to spare for waiting on a connection or a slow answer). Unpaced, attempts run at the far
    side's speed and a lease of minutes holds claims of thousands."""
    if sends_per_s is None:
        return batch_size
    return max(1, min(batch_size, math.floor(sends_per_s * lease.total_seconds() / 2)))


def group_wait_s(lease: timedelta) -> float:
    """How long an outcome may wait for its group commit: ``MAX_WAIT_S``, and at most an
    eighth of the lease. An attempt starts with a quarter of its lease left
    (:meth:`Deliverer.lease_holds`), so the answer, the wait and the commit fit in it; a claim
    that ran out before its outcome committed would be taken over and sent again."""
    return min(MAX_WAIT_S, lease.total_seconds() / 8)


@dataclass(frozen=True, slots=True)
class Batch:
    """Claimed deliveries and what their attempts need."""

    claimed: list[Claimed]
    context: Context


class Deliverer:
    """The worker's use cases, on the ports (see the module docstring).

    ``owner`` names this process among the replicas (a claim's owner); ``lease`` is how long a
    claim holds: meant to be much longer than any attempt takes. ``outcomes_expected`` tells the
    group commit how many attempts are still waiting for the far side (the worker's count).
    """

    def __init__(
        self,
        units: UnitsOfWork,
        senders: Senders,
        clock: Clock,
        *,
        digest_key: bytes,
        owner: str,
        lease: timedelta,
        outcomes_expected: Callable[[], int] = nothing_expected,
    ) -> None:
        self._units = units
        self._senders = senders
        self._clock = clock
        self._digest_key = digest_key
        self._owner = owner
        self._lease = lease
        self._recorder = OutcomeRecorder(
            units, clock, max_wait_s=group_wait_s(lease), expected=outcomes_expected
        )

    @property
    def backlog(self) -> int:
        """Outcomes handed over and not yet committed (the worker's back-pressure)."""
        return self._recorder.backlog

    async def claim(self, limit: int) -> Batch:
        """Up to ``limit`` due deliveries, claimed, with their context read right after."""
        reader = self._units.reader()
        now = self._clock.now()
        claimed = await attempts.claim_due(reader, now, limit, owner=self._owner, lease=self._lease)
        return await self._with_context(reader, claimed)

    def handed_over(self, handed: Sequence[Planned]) -> Batch:
        """The deliveries this process's consumer planned claimed for this worker and handed
        over once committed (see :mod:`distribution.service.handoff`), with the channels and
        facts their planner read: no command before the attempts."""
        context = Context()
        claimed: list[Claimed] = []
        for planned in handed:
            tenant = planned.deliveries[0].tenant_id
            context.channels.update({(tenant, k): v for k, v in planned.channels.items()})
            context.releases[(tenant, planned.deliveries[0].release_id)] = planned.release
            claimed += [Claimed(delivery, planned.claim) for delivery in planned.deliveries]
        return Batch(claimed, context)

    async def claim_retractions(self, limit: int) -> Batch:
        """Up to ``limit`` posts of withdrawn releases due for deletion, claimed."""
        reader = self._units.reader()
        now = self._clock.now()
        claimed = await attempts.claim_retractions(reader, now, limit, lease=self._lease)
        return await self._with_context(reader, claimed)

    async def _with_context(self, reader: UnitOfWork, claimed: list[Claimed]) -> Batch:
        if not claimed:
            return Batch([], Context())
        return Batch(claimed, await load_context(reader, [c.delivery for c in claimed]))

    async def cancel_if_unreachable(self, claimed: Claimed, context: Context) -> bool:
        """Cancels the delivery when its recipient may no longer be mailed (see
        :func:`reason_to_cancel`); whether it did."""
        reason = reason_to_cancel(claimed.delivery, context)
        if reason is None:
            return False
        await self._units.transact(
            lambda uow: attempts.cancel_claimed(uow, claimed, self._clock.now(), reason)
        )
        return True

    def lease_holds(self, claimed: Claimed) -> bool:
        """True while a quarter of the claim's lease is left: time for the attempt. Past that,
        another worker may take the delivery over any moment, and two attempts at once would
        send twice."""
        return self._clock.now() + self._lease / 4 < claimed.delivery.next_attempt_at

    async def attempt(self, claimed: Claimed, context: Context) -> Attempted:
        """One attempt through the channel kind's sender, with what its event will name."""
        delivery = claimed.delivery
        outcome = await attempt(self._senders, delivery, context, self._clock.now())
        return Attempted(claimed, outcome, event_recipient(delivery, context, self._digest_key))

    async def record(self, attempted: Attempted) -> None:
        """Returns once the outcome is committed, with its event (group commit)."""
        await self._recorder.record(attempted.claimed, attempted.outcome, attempted.recipient)

    def attempt_ended(self) -> None:
        """An attempt ended without an outcome to record (cancelled, lease too short, a bug):
        a group waiting for it commits without it."""
        self._recorder.recheck()

    async def retract(self, claimed: Claimed, context: Context) -> Outcome:
        return await retract(self._senders, claimed.delivery, context)

    async def record_retraction(self, claimed: Claimed, outcome: Outcome) -> None:
        await self._units.transact(
            lambda uow: attempts.record_retraction(uow, claimed, outcome, self._clock.now())
        )
