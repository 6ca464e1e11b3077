"""One delivery of one release to one recipient of one channel, and its lifecycle as a table.

::

    pending ──start──> sending ──succeed──> sent ──(withdrawn, deletable network)──> retraction
       │  ^               ├──retry (transient, attempts left)──┘ back to pending
       │  └──requeue──┐   └──fail (permanent, or retries ran out)──> failed ──requeue──┘
       └──cancel──> cancelled   (a withdrawn release; a transient error after the withdrawal)

The id is derived from (release, channel, recipient), so planning the same release twice yields
the same ids and planning stores only the ids not stored yet (``_id`` being unique, a second
plan can never add a delivery twice): that, plus the status checked
before every attempt and an idempotency key the far side can deduplicate on, is how a release is
never posted twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from distribution.domain.subscribers import Subscriber, matches
from newsroom_shared.events.distribution import ChannelKind
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished

# Fixed namespaces: changing them would change every id and re-send everything.
_DELIVERY_NAMESPACE = uuid.UUID("6f0c7d1e-8d52-4a4e-9a59-2f3f4c1d9b10")
_IDEMPOTENCY_NAMESPACE = uuid.UUID("0b6a4f54-36a1-4f0d-8a8e-5f3c2e7d9a21")

# Networks whose API lets us delete what we posted; email and webhooks cannot be unsent.
DELETABLE_KINDS: frozenset[ChannelKind] = frozenset(
    {"mastodon", "bluesky", "x", "linkedin", "facebook"}
)


class DeliveryError(Exception):
    """Base of the distribution domain's rule violations."""


class IllegalDeliveryTransitionError(DeliveryError):
    def __init__(self, action: str, status: str, allowed: list[str]) -> None:
        allowed_text = ", ".join(allowed) or "none"
        super().__init__(
            f"cannot {action} a delivery in status '{status}'; allowed actions: {allowed_text}"
        )
        self.action = action
        self.status = status
        self.allowed = allowed


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class DeliveryAction(StrEnum):
    START = "start"
    SUCCEED = "succeed"
    RETRY = "retry"
    FAIL = "fail"
    CANCEL = "cancel"
    REQUEUE = "requeue"  # staff retry a failed delivery by hand


TRANSITIONS: dict[DeliveryStatus, dict[DeliveryAction, DeliveryStatus]] = {
    DeliveryStatus.PENDING: {
        DeliveryAction.START: DeliveryStatus.SENDING,
        DeliveryAction.CANCEL: DeliveryStatus.CANCELLED,
    },
    DeliveryStatus.SENDING: {
        DeliveryAction.SUCCEED: DeliveryStatus.SENT,
        DeliveryAction.RETRY: DeliveryStatus.PENDING,
        DeliveryAction.FAIL: DeliveryStatus.FAILED,
        # An attempt was in flight when the release was withdrawn and it failed transiently:
        # no point retrying it.
        DeliveryAction.CANCEL: DeliveryStatus.CANCELLED,
    },
    DeliveryStatus.SENT: {},
    DeliveryStatus.FAILED: {DeliveryAction.REQUEUE: DeliveryStatus.PENDING},
    DeliveryStatus.CANCELLED: {},
}


def next_status(status: DeliveryStatus, action: DeliveryAction) -> DeliveryStatus:
    targets = TRANSITIONS[status]
    if action not in targets:
        raise IllegalDeliveryTransitionError(action, status, [str(a) for a in targets])
    return targets[action]


def delivery_id(release_id: str, channel_id: str, recipient: str) -> str:
    """The same (release, channel, recipient) always gets the same id: planning is idempotent."""
    # \x1f (unit separator) cannot occur in ids, so ("a", "bc") and ("ab", "c") differ.
    return str(uuid.uuid5(_DELIVERY_NAMESPACE, f"{release_id}\x1f{channel_id}\x1f{recipient}"))


def idempotency_key(delivery_id_: str) -> str:
    """What we send as ``Idempotency-Key`` (or the like): stable across attempts, not our id."""
    return str(uuid.uuid5(_IDEMPOTENCY_NAMESPACE, delivery_id_))


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    tenant_id: str
    release_id: str
    newsroom_id: str
    channel_id: str
    channel_kind: ChannelKind
    # The account (social), the endpoint's origin (webhook) or the subscriber id (email).
    recipient: str
    idempotency_key: str
    created_at: datetime
    next_attempt_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    # True for the preview email to invited journalists before the lift (embargo notice shown).
    under_embargo: bool = False
    # An alert to the tenant's staff (domain/alerts.py): release_id is then the alert's id,
    # and the recipient of an email is the staff address itself.
    alert: bool = False
    attempts: int = 0
    last_error: str | None = None
    # Set when retrying cannot help (as opposed to retries that ran out).
    failed_permanently: bool = False
    remote_id: str | None = None
    remote_url: str | None = None
    # Every post of a thread, in order (remote_id is the first): a withdrawal deletes them all.
    remote_ids: tuple[str, ...] = ()
    # When the first attempt was claimed: posts found after it may be ours (see reconcile_since).
    first_attempt_at: datetime | None = None
    # An earlier attempt may have posted without us learning it: its worker died mid-attempt
    # (the claim expired while ``sending``), its answer was lost (a timeout after the request
    # went out), or a thread stopped partway. Stays set: every later attempt looks first.
    outcome_unknown: bool = False
    sent_at: datetime | None = None
    withdrawn_at: datetime | None = None
    # A post that went out before the withdrawal, to be deleted from the network.
    retraction_requested_at: datetime | None = None
    retracted_at: datetime | None = None

    @classmethod
    def plan(
        cls,
        *,
        tenant_id: str,
        release_id: str,
        newsroom_id: str,
        channel_id: str,
        channel_kind: ChannelKind,
        recipient: str,
        now: datetime,
        under_embargo: bool = False,
        alert: bool = False,
    ) -> Delivery:
        identifier = delivery_id(release_id, channel_id, recipient)
        return cls(
            id=identifier,
            tenant_id=tenant_id,
            release_id=release_id,
            newsroom_id=newsroom_id,
            channel_id=channel_id,
            channel_kind=channel_kind,
            recipient=recipient,
            idempotency_key=idempotency_key(identifier),
            created_at=now,
            next_attempt_at=now,
            under_embargo=under_embargo,
            alert=alert,
        )

    def reconcile_since(self) -> datetime | None:
        """From when to look for posts an earlier attempt may have made before posting again
        (networks without an idempotency key); None when no earlier attempt can have posted."""
        if not self.outcome_unknown:
            return None
        return self.first_attempt_at or self.created_at

    def with_remote_ids(self, remote_ids: Sequence[str]) -> Delivery:
        """Every post the delivery made (a thread), the first being ``remote_id``."""
        return replace(self, remote_ids=tuple(remote_ids))

    def with_outcome_unknown(self) -> Delivery:
        return replace(self, outcome_unknown=True)

    def posted_ids(self) -> tuple[str, ...]:
        """The posts a retraction deletes: the whole thread (only the first for deliveries
        recorded before threads were stored whole)."""
        if self.remote_ids:
            return self.remote_ids
        return (self.remote_id,) if self.remote_id else ()

    def allowed_actions(self) -> list[DeliveryAction]:
        return list(TRANSITIONS[self.status])

    def is_due(self, now: datetime) -> bool:
        return self.status is DeliveryStatus.PENDING and self.next_attempt_at <= now

    def _to(self, action: DeliveryAction, **changes: object) -> Delivery:
        status = next_status(self.status, action)
        return replace(self, status=status, **changes)  # type: ignore[arg-type]

    def start_attempt(self) -> Delivery:
        """Claimed for sending; the attempt counts from here, so a crash mid-send still counts."""
        return self._to(DeliveryAction.START, attempts=self.attempts + 1)

    def claimed_until(self, lease_until: datetime, now: datetime) -> Delivery:
        """Claimed for sending (:meth:`start_attempt`) until the claim's lease runs out, its
        first attempt from ``now``: what a worker's claim makes of a due delivery."""
        return replace(
            self.start_attempt(),
            next_attempt_at=lease_until,
            first_attempt_at=self.first_attempt_at or now,
        )

    def succeed(self, now: datetime, remote_id: str | None, remote_url: str | None) -> Delivery:
        withdrawn = self.withdrawn_at is not None and self.channel_kind in DELETABLE_KINDS
        return self._to(
            DeliveryAction.SUCCEED,
            remote_id=remote_id,
            remote_url=remote_url,
            sent_at=now,
            last_error=None,
            # It landed after the release was withdrawn: take it down again.
            retraction_requested_at=now if withdrawn else None,
        )

    def retry_at(self, moment: datetime, error: str) -> Delivery:
        return self._to(DeliveryAction.RETRY, next_attempt_at=moment, last_error=error)

    def fail(self, error: str, *, permanent: bool) -> Delivery:
        return self._to(DeliveryAction.FAIL, last_error=error, failed_permanently=permanent)

    def cancel(self, now: datetime, reason: str) -> Delivery:
        return self._to(DeliveryAction.CANCEL, last_error=reason, withdrawn_at=now)

    def requeue(self, now: datetime) -> Delivery:
        """A manual retry: a fresh budget of attempts, same id and idempotency key."""
        return self._to(
            DeliveryAction.REQUEUE, attempts=0, next_attempt_at=now, failed_permanently=False
        )

    def mark_retracted(self, now: datetime) -> Delivery:
        if self.retraction_requested_at is None:
            raise DeliveryError(f"delivery {self.id} has no retraction requested")
        return replace(self, retracted_at=now)


class PlannableChannel(Protocol):
    """What planning needs of a configured channel (``channels.Channel`` has it)."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> ChannelKind: ...
    @property
    def newsroom_id(self) -> str | None: ...  # None: every newsroom of the tenant
    @property
    def enabled(self) -> bool: ...
    @property
    def recipient(self) -> str: ...


def _serves(channel: PlannableChannel, release: ReleasePublished | ReleaseEmbargoed) -> bool:
    return channel.enabled and channel.newsroom_id in (None, release.newsroom_id)


def plan_deliveries(
    release: ReleasePublished | ReleaseEmbargoed,
    channels: Sequence[PlannableChannel],
    subscribers: Iterable[Subscriber],
    now: datetime,
) -> list[Delivery]:
    """Every delivery a release event calls for; planning the same event again gives equal ids.

    - ``ReleasePublished`` (including the one at an embargo's lift): one delivery per public
      channel (social networks, webhooks) and one per matching subscriber of each email channel.
      Invited journalists who got the preview keep that one delivery (same id): no second email.
    - ``ReleaseEmbargoed``: email only, only to invited journalists, only before the lift; public
      channels wait for the ``ReleasePublished`` that the lift brings.
    """
    embargoed = isinstance(release, ReleaseEmbargoed)
    if isinstance(release, ReleaseEmbargoed) and release.embargo_until <= now:
        return []  # we are late: the lift's ReleasePublished plans everything
    serving = [c for c in channels if _serves(c, release)]
    emails = [c for c in serving if c.kind == "email"]
    public = [] if embargoed else [c for c in serving if c.kind != "email"]
    readers = [s for s in subscribers if matches(s, release) and (s.journalist or not embargoed)]

    def planned(channel: PlannableChannel, recipient: str) -> Delivery:
        return Delivery.plan(
            tenant_id=release.tenant_id,
            release_id=release.release_id,
            newsroom_id=release.newsroom_id,
            channel_id=channel.id,
            channel_kind=channel.kind,
            recipient=recipient,
            now=now,
            under_embargo=embargoed,
        )

    deliveries = [planned(channel, channel.recipient) for channel in public]
    deliveries += [planned(channel, reader.id) for channel in emails for reader in readers]
    return deliveries


def withdraw(delivery: Delivery, now: datetime, reason: str = "") -> Delivery:
    """What a ``ReleaseWithdrawn`` does to one delivery of that release.

    - pending: cancelled, it never goes out;
    - sending: the attempt is in flight and cannot be stopped; it is marked withdrawn, so a
      transient failure cancels it and a success asks for the post to be deleted;
    - sent to a network that can delete posts: a retraction is requested (the adapter deletes
      ``remote_id`` and calls :meth:`Delivery.mark_retracted`);
    - sent email or webhook, failed, cancelled: nothing to do.
    """
    why = f"release withdrawn: {reason}" if reason else "release withdrawn"
    if delivery.withdrawn_at is not None:
        return delivery  # the event came twice
    if delivery.status is DeliveryStatus.PENDING:
        return delivery.cancel(now, why)
    if delivery.status is DeliveryStatus.SENDING:
        return replace(delivery, withdrawn_at=now)
    if delivery.status is DeliveryStatus.SENT and delivery.channel_kind in DELETABLE_KINDS:
        return replace(delivery, withdrawn_at=now, retraction_requested_at=now)
    return replace(delivery, withdrawn_at=now)
