"""The worker's use cases: claim due deliveries, record what an attempt achieved.

One claim path for every delivery kind. A claim is a lease: due deliveries become ``sending``
under a fresh claim token until the lease runs out (:func:`claim_due`). A worker that dies
mid-attempt leaves its deliveries ``sending``; once the lease has run out any worker claims
them again, with the same idempotency key (the delivery's, derived from its id), so a far side
that deduplicates sees one post, and an email goes out again with the same Message-ID.

Outcomes are recorded in bulk, only where their claim still holds, with their
DeliverySucceeded / DeliveryFailed events in the same transaction (:func:`record_outcomes`):
the outcome of a worker whose claim was taken over changes nothing and emits nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.domain.failures import failed_attempt
from distribution.domain.outcomes import (
    DEFAULT_POLICY,
    Outcome,
    Posted,
    RetryPolicy,
    Success,
    TransientFailure,
    Unconfirmed,
    apply_outcome,
)
from distribution.service.ports import UnitOfWork
from newsroom_shared.events.distribution import DeliveryFailed, DeliverySucceeded


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery this worker may attempt, as long as its claim holds."""

    delivery: Delivery
    claim: str

    @property
    def key(self) -> tuple[str, str, str]:
        """(tenant id, delivery id, claim): what finds the delivery while the claim holds."""
        return self.delivery.tenant_id, self.delivery.id, self.claim


async def claim_due(
    uow: UnitOfWork, now: datetime, limit: int, *, owner: str, lease: timedelta
) -> list[Claimed]:
    """Atomically per delivery, no transaction needed: up to ``limit`` due deliveries (pending
    and due, or sending with their lease run out) become ``sending``, owned by ``owner`` under
    one fresh claim until ``now + lease``."""
    claim = uuid.uuid4().hex
    deliveries = await uow.deliveries.claim_due(
        now, limit, owner=owner, claim=claim, lease_until=now + lease
    )
    return [Claimed(delivery, claim) for delivery in deliveries]


@dataclass(frozen=True, slots=True)
class Attempted:
    """What one attempt achieved, to be recorded.

    ``recipient`` is what the event names as recipient (for email a keyed digest of the
    address, never the address); None: the delivery's recipient."""

    claimed: Claimed
    outcome: Outcome
    recipient: str | None = None


async def record_outcomes(
    uow: UnitOfWork,
    attempted: Sequence[Attempted],
    now: datetime,
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> list[Delivery | None]:
    """Each delivery after its attempt's outcome (in order), with DeliverySucceeded /
    DeliveryFailed emitted for those that ended; None where the claim was lost (another worker
    took over after the lease ran out: its result counts). One read and one bulk write
    whatever the number: the worker records a whole group of outcomes in one transaction."""
    current = await uow.deliveries.claimed_many([a.claimed.key for a in attempted])
    results: list[Delivery | None] = []
    finished: list[tuple[Delivery, str]] = []
    for item in attempted:
        delivery = current.get(item.claimed.delivery.id)
        if delivery is None or delivery.status is not DeliveryStatus.SENDING:
            results.append(None)
            continue
        # Applied to the state read in this transaction: a withdrawal during the attempt counts.
        after = _remember_posts(apply_outcome(delivery, item.outcome, now, policy), item.outcome)
        finished.append((after, item.claimed.claim))
        results.append(after)
    # Read in this transaction under their claims: a concurrent change aborts the transaction
    # (a write conflict, and it runs again), so every write matches.
    matched = await uow.deliveries.finish_many(finished)
    if matched != len(finished):
        raise RuntimeError(f"{len(finished) - matched} claimed deliveries changed under us")
    done = [r for r in results if r is not None]
    # Posted while the release was being withdrawn: the post is to be deleted again.
    await uow.deliveries.request_retractions(done, now)
    await uow.failed_attempts.add([f for f in (failed_attempt(d, now) for d in done) if f])
    for item, recorded in zip(attempted, results, strict=True):
        if recorded is not None:
            _emit_terminal(uow, recorded, item.recipient or recorded.recipient, now)
    return results


async def record_outcome(
    uow: UnitOfWork,
    claimed: Claimed,
    outcome: Outcome,
    now: datetime,
    *,
    recipient: str | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> Delivery | None:
    """:func:`record_outcomes` for one attempt."""
    [after] = await record_outcomes(
        uow, [Attempted(claimed, outcome, recipient)], now, policy=policy
    )
    return after


def _remember_posts(delivery: Delivery, outcome: Outcome) -> Delivery:
    """Every post of a thread that went out (a withdrawal deletes them all), or the mark that
    a post may exist unrecorded (the next attempt looks for it before posting)."""
    if isinstance(outcome, Posted) and delivery.status is DeliveryStatus.SENT:
        return delivery.with_remote_ids(outcome.remote_ids)
    if isinstance(outcome, Unconfirmed):
        return delivery.with_outcome_unknown()
    return delivery


async def cancel_claimed(
    uow: UnitOfWork, claimed: Claimed, now: datetime, reason: str
) -> Delivery | None:
    """Gives up a claimed delivery without an attempt (its subscriber left meanwhile); None
    when the claim was lost."""
    delivery, claim = claimed.delivery, claimed.claim
    current = await uow.deliveries.claimed(delivery.tenant_id, delivery.id, claim)
    if current is None or current.status is not DeliveryStatus.SENDING:
        return None
    after = current.cancel(now, reason)
    return after if await uow.deliveries.finish_many([(after, claim)]) == 1 else None


RETRACTION_RETRY = timedelta(minutes=5)


async def claim_retractions(
    uow: UnitOfWork, now: datetime, limit: int, *, lease: timedelta
) -> list[Claimed]:
    """Posts of withdrawn releases due for deletion, held until ``now + lease``."""
    claim = uuid.uuid4().hex
    deliveries = await uow.deliveries.claim_retractions(
        now, limit, claim=claim, lease_until=now + lease
    )
    return [Claimed(delivery, claim) for delivery in deliveries]


async def record_retraction(
    uow: UnitOfWork, claimed: Claimed, outcome: Outcome, now: datetime
) -> bool:
    """Deleted: marked retracted. Transient failure: due again later. Permanent: given up, with
    the reason kept (the post may need deleting by hand)."""
    delivery = claimed.delivery
    if isinstance(outcome, Success):
        done = delivery.mark_retracted(now)
        return await uow.deliveries.finish_retraction(done, claimed.claim, None, None)
    retry_at = now + RETRACTION_RETRY if isinstance(outcome, TransientFailure) else None
    return await uow.deliveries.finish_retraction(delivery, claimed.claim, retry_at, outcome.reason)


def _emit_terminal(uow: UnitOfWork, delivery: Delivery, recipient: str, now: datetime) -> None:
    common: dict[str, Any] = {
        "tenant_id": delivery.tenant_id,
        "delivery_id": delivery.id,
        "release_id": delivery.release_id,
        "channel_kind": delivery.channel_kind,
        "channel_id": delivery.channel_id,
        "recipient": recipient,
        "attempts": max(delivery.attempts, 1),
        "about": "alert" if delivery.alert else "release",
    }
    if delivery.status is DeliveryStatus.SENT:
        uow.emit(
            DeliverySucceeded(
                **common,
                remote_id=delivery.remote_id,
                remote_url=delivery.remote_url,
                delivered_at=delivery.sent_at or now,
            )
        )
    elif delivery.status is DeliveryStatus.FAILED:
        uow.emit(
            DeliveryFailed(
                **common,
                error=delivery.last_error or "failed",
                permanent=delivery.failed_permanently,
                failed_at=now,
            )
        )
