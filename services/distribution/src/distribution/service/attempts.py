"""The worker's use cases: claim due deliveries, record what an attempt achieved.

A claim is a lease: a worker that dies mid-attempt leaves its deliveries ``sending`` until the
lease runs out, and then any worker claims them again, with the same idempotency key (the
delivery's, derived from its id), so a far side that deduplicates sees one post.

The first attempts of a fan-out's emails are claimed more cheaply: the lease on their ready
page holds them, and nothing is written on the deliveries until their outcomes are (on the
local server, claiming them one write each cost 1.8 ms per email at 10,000, more than half of
what the raw SMTP loop takes to send one). They stay ``pending`` and never attempted
meanwhile, which is the condition their outcomes are written under. A page whose worker died
is taken again when its lease runs out, and the emails without an outcome are sent again,
with the same Message-ID, as a ``sending`` email whose lease ran out always was. Posts and
webhooks keep claims written on each delivery: their exactly-once rests on the ``sending``
state (see ``outcome_unknown``).

A sent email whose page's lease still holds is recorded in the outcome log rather than on its
delivery (an insert, not an update: see :mod:`distribution.adapters.mongo.deliveries`); the
worker folds the log into the deliveries once it has been quiet for a while
(:func:`fold_outcomes`). Outcomes recorded after the lease ran out (or nearly) take the
careful way: on the delivery, and only where no later holder of the page logged one first.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from distribution.adapters.mongo.unit_of_work import MongoUnitOfWork
from distribution.adapters.networks.base import Posted, Unconfirmed
from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.domain.failures import failed_attempt
from distribution.domain.outcomes import (
    DEFAULT_POLICY,
    Outcome,
    RetryPolicy,
    Success,
    TransientFailure,
    apply_outcome,
)
from newsroom_shared.events.distribution import DeliveryFailed, DeliverySucceeded


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery this worker may attempt, as long as its claim holds.

    ``page``: the ready page whose lease holds it (nothing written on the delivery, see the
    module docstring); None: the claim is written on the delivery. ``log_until``: until when
    a held delivery's outcome may go to the outcome log: a quarter of the lease before it
    ends, as for starting an attempt (another worker takes the page when the lease has run out
    by its own clock, and the workers' clocks differ by less than that)."""

    delivery: Delivery
    claim: str
    page: str | None = None
    log_until: datetime | None = None

    @property
    def written(self) -> bool:
        return self.page is None

    @property
    def key(self) -> tuple[str, str, str]:
        """(tenant id, delivery id, claim): what finds the delivery while the claim holds."""
        return self.delivery.tenant_id, self.delivery.id, self.claim


async def claim_due(
    uow: MongoUnitOfWork, now: datetime, limit: int, *, owner: str, lease: timedelta
) -> list[Claimed]:
    """Atomically: due deliveries (pending and due, or sending with their lease run out) become
    ``sending``, owned by ``owner`` until ``now + lease``."""
    claim = uuid.uuid4().hex
    deliveries = await uow.deliveries.claim_due(
        now, limit, owner=owner, claim=claim, lease_until=now + lease
    )
    return [Claimed(delivery, claim) for delivery in deliveries]


async def claim_ready(
    uow: MongoUnitOfWork, now: datetime, limit: int, *, owner: str, lease: timedelta
) -> list[Claimed]:
    """Atomically: whole pages of the ready queue, at most ``limit`` deliveries (but at least
    one page), are leased to this worker until ``now + lease``, with the first attempts of
    their deliveries still to make.

    Emails are held by the page's lease alone, as long as their hold in the queue outlasts it
    (else the due search could claim them too); the rest become ``sending`` as in
    :func:`claim_due`. A page left with nothing to attempt leaves the queue."""
    claim = uuid.uuid4().hex
    lease_until = now + lease
    claimed: list[Claimed] = []
    for page in await uow.ready.take(limit, now, claim=claim, lease_until=lease_until):
        fresh = [
            d
            # A page taken before may have outcomes its earlier holder logged.
            for d in await uow.deliveries.of_ids(
                page.tenant_id, page.delivery_ids, with_logged=page.takes > 1
            )
            if d.status is DeliveryStatus.PENDING and d.attempts == 0
        ]
        held = [d for d in fresh if d.channel_kind == "email" and d.next_attempt_at > lease_until]
        claimed += [
            Claimed(
                replace(d.start_attempt(), next_attempt_at=lease_until, first_attempt_at=now),
                claim,
                page.id,
                lease_until - lease / 4,
            )
            for d in held
        ]
        held_ids = {d.id for d in held}
        others = [d.id for d in fresh if d.id not in held_ids]
        written = await uow.deliveries.claim_ids(
            page.tenant_id, others, now, owner=owner, claim=claim, lease_until=lease_until
        )
        claimed += [Claimed(delivery, claim) for delivery in written]
        if not held:
            await uow.ready.finish([page.id], claim)
    return claimed


@dataclass(frozen=True, slots=True)
class Attempted:
    """What one attempt achieved, to be recorded.

    ``recipient`` is what the event names as recipient (for email a keyed digest of the
    address, never the address); None: the delivery's recipient."""

    claimed: Claimed
    outcome: Outcome
    recipient: str | None = None


async def record_outcomes(
    uow: MongoUnitOfWork,
    attempted: Sequence[Attempted],
    now: datetime,
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
    finished_pages: Sequence[tuple[str, str]] = (),
) -> list[Delivery | None]:
    """Each delivery after its attempt's outcome (in order), with DeliverySucceeded /
    DeliveryFailed emitted for those that ended; None where the claim was lost (another worker
    took over: its result counts). Reads and writes in bulk: the worker records a whole group
    of outcomes in one transaction. ``finished_pages``: (page id, claim) of ready pages whose
    first attempts are all recorded with this group, to leave the queue."""
    written = [a.claimed.key for a in attempted if a.claimed.written]
    current = await uow.deliveries.claimed_many(written) if written else {}
    results: list[Delivery | None] = []
    finished: list[tuple[Delivery, str]] = []
    held: list[tuple[Delivery, str]] = []
    logged: list[tuple[Delivery, str]] = []
    late: list[tuple[Delivery, str]] = []
    for item in attempted:
        if item.claimed.written:
            delivery = current.get(item.claimed.delivery.id)
            if delivery is None or delivery.status is not DeliveryStatus.SENDING:
                results.append(None)
                continue
        else:
            # Not read again: the page's lease held it, and its outcome is written only if it
            # is still never attempted (see _finish_held).
            delivery = item.claimed.delivery
        # Applied to the state read in this transaction: a withdrawal during the attempt counts.
        after = _remember_posts(apply_outcome(delivery, item.outcome, now, policy), item.outcome)
        if item.claimed.written:
            finished.append((after, item.claimed.claim))
        elif item.claimed.log_until is None or now >= item.claimed.log_until:
            late.append((after, item.claimed.claim))
        elif after.status is DeliveryStatus.SENT:
            logged.append((after, item.claimed.claim))
        else:
            held.append((after, item.claimed.claim))
        results.append(after)
    # Read in this transaction with its claim: a concurrent change would abort the transaction
    # (write conflict), so every write matches.
    matched = await uow.deliveries.finish_many(finished)
    if matched != len(finished):
        raise RuntimeError(f"{len(finished) - matched} claimed deliveries changed under us")
    await uow.deliveries.log_sent(logged)
    lost = await _logged_by_later_holders(uow, late)
    lost |= await _finish_held(uow, held + [(d, c) for d, c in late if d.id not in lost])
    results = [None if r is not None and r.id in lost else r for r in results]
    done = [r for r in results if r is not None]
    # Posted while the release was being withdrawn: the post is to be deleted again.
    await uow.deliveries.request_retractions(done, now)
    await uow.failed_attempts.add([f for f in (failed_attempt(d, now) for d in done) if f])
    for item, recorded in zip(attempted, results, strict=True):
        if recorded is not None:
            _emit_terminal(uow, recorded, item.recipient or recorded.recipient, now)
    by_claim: dict[str, list[str]] = {}
    for page, claim in finished_pages:
        by_claim.setdefault(claim, []).append(page)
    for claim, pages in by_claim.items():
        await uow.ready.finish(pages, claim)
    return results


async def _finish_held(uow: MongoUnitOfWork, held: Sequence[tuple[Delivery, str]]) -> set[str]:
    """Writes the outcomes of deliveries their ready page held; returns the ids of those it did
    not record. Those are rare: cancelled during the attempt (a withdrawal, an unsubscribe: the
    email went out all the same, so its outcome is written over the cancellation), or recorded
    by a worker that took the page over after this one's lease ran out (its result counts)."""
    if await uow.deliveries.finish_many(held, written=False) == len(held):
        return set()
    lost: set[str] = set()
    groups: dict[tuple[str, str], list[Delivery]] = {}
    for delivery, claim in held:
        groups.setdefault((delivery.tenant_id, claim), []).append(delivery)
    for (tenant_id, claim), deliveries in groups.items():
        ids = [d.id for d in deliveries]
        ours = await uow.deliveries.recorded_by(tenant_id, ids, claim)
        await uow.deliveries.overwrite_cancelled([d for d in deliveries if d.id not in ours], claim)
        ours = await uow.deliveries.recorded_by(tenant_id, ids, claim)
        lost.update(i for i in ids if i not in ours)
    return lost


async def _logged_by_later_holders(
    uow: MongoUnitOfWork, late: Sequence[tuple[Delivery, str]]
) -> set[str]:
    """The ids of those of ``late`` (outcomes of deliveries whose page's lease ran out, or
    nearly) that a worker which took the page over since has logged: its result counts."""
    by_tenant: dict[str, list[str]] = {}
    for delivery, _ in late:
        by_tenant.setdefault(delivery.tenant_id, []).append(delivery.id)
    lost: set[str] = set()
    for tenant_id, ids in by_tenant.items():
        lost |= await uow.deliveries.logged_ids(tenant_id, ids)
    return lost


async def fold_outcomes(uow: MongoUnitOfWork, limit: int) -> int:
    """Writes up to ``limit`` logged outcomes onto their deliveries; how many were folded."""
    return await uow.deliveries.fold_logged(limit)


async def record_outcome(
    uow: MongoUnitOfWork,
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
    uow: MongoUnitOfWork, claimed: Claimed, now: datetime, reason: str
) -> Delivery | None:
    """Gives up a claimed delivery without an attempt (its subscriber left meanwhile)."""
    delivery, claim, written = claimed.delivery, claimed.claim, claimed.written
    current = await uow.deliveries.claimed(delivery.tenant_id, delivery.id, claim, written=written)
    # Held by its ready page, it is still pending (nothing was written on it).
    if current is None or (written and current.status is not DeliveryStatus.SENDING):
        return None
    after = current.cancel(now, reason)
    return after if await uow.deliveries.finish(after, claim, written=written) else None


RETRACTION_RETRY = timedelta(minutes=5)


async def claim_retractions(
    uow: MongoUnitOfWork, now: datetime, limit: int, *, lease: timedelta
) -> list[Claimed]:
    """Posts of withdrawn releases due for deletion, held until ``now + lease``."""
    claim = uuid.uuid4().hex
    deliveries = await uow.deliveries.claim_retractions(
        now, limit, claim=claim, lease_until=now + lease
    )
    return [Claimed(delivery, claim) for delivery in deliveries]


async def record_retraction(
    uow: MongoUnitOfWork, claimed: Claimed, outcome: Outcome, now: datetime
) -> bool:
    """Deleted: marked retracted. Transient failure: due again later. Permanent: given up, with
    the reason kept (the post may need deleting by hand)."""
    delivery = claimed.delivery
    if isinstance(outcome, Success):
        done = delivery.mark_retracted(now)
        return await uow.deliveries.finish_retraction(done, claimed.claim, None, None)
    retry_at = now + RETRACTION_RETRY if isinstance(outcome, TransientFailure) else None
    return await uow.deliveries.finish_retraction(delivery, claimed.claim, retry_at, outcome.reason)


def _emit_terminal(uow: MongoUnitOfWork, delivery: Delivery, recipient: str, now: datetime) -> None:
    common: dict[str, Any] = {
        "tenant_id": delivery.tenant_id,
        "delivery_id": delivery.id,
        "release_id": delivery.release_id,
        "channel_kind": delivery.channel_kind,
        "channel_id": delivery.channel_id,
        "recipient": recipient,
        "attempts": max(delivery.attempts, 1),
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
