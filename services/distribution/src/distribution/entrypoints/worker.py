"""The delivery worker: claims due deliveries and runs each through its channel's sender.

Claimed deliveries run as independent tasks, capped per channel kind by a semaphore: a network
that answers slowly or rate-limits us holds up only its own deliveries, and the loop claims more
work as slots free up (at most ``batch_size`` attempts waiting for the far side; an attempt that
has its answer makes room for the next claim while its outcome waits for the group commit).

Outcomes are recorded by group commit (:class:`OutcomeRecorder`): each attempt hands its outcome
over as soon as the far side answered and waits until it is committed; one transaction records
every outcome that arrived while the previous one was committing. An idle worker commits each
outcome at once; under load the transactions grow instead of queueing up (one transaction per
email caps a fan-out at the database's transaction rate, and eight concurrent ones conflict).
This keeps the window in which a crash forgets an answer (and an email is sent again, with the
same Message-ID) to about two commits. The slot of a channel kind is freed when the far side
answered, not when the outcome is committed.

A fan-out's sent emails are recorded in the outcome log (see
:mod:`distribution.service.attempts`); the worker folds the log into the deliveries once it
has been quiet for a while (:meth:`DeliveryWorker.fold_once`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from distribution.adapters.mongo.fanouts import FanOutMovedError
from distribution.adapters.mongo.subscribers import PageEndsByCursor
from distribution.adapters.mongo.unit_of_work import MongoUnitOfWork
from distribution.bootstrap import Distribution
from distribution.domain.channels import Channel
from distribution.domain.outcomes import Outcome, PermanentFailure, TransientFailure
from distribution.domain.subscribers import Subscriber, keyed_digest
from distribution.service import attempts, dispatch, planning
from distribution.service.attempts import Claimed
from newsroom_shared.mongo import Document

logger = logging.getLogger(__name__)

# Outcomes per group-commit transaction at most: bounds how long one transaction runs.
MAX_OUTCOMES_PER_TRANSACTION = 200
# Outcomes waiting for their commit at most before claims pause (see run_once): a group
# committing and the next one filling. At one group, the worker stopped claiming whenever a
# commit ran and its connections sat idle for the commit and the next claim.
MAX_UNCOMMITTED = 2 * MAX_OUTCOMES_PER_TRANSACTION
# Logged outcomes folded into their deliveries per transaction (see fold_once).
FOLD_BATCH = 500
# The log is folded once the worker has been quiet this long (nothing from the ready queue,
# nothing in flight): folding costs an update per delivery, what logging spared the fan-out, so
# it waits until the fan-outs are done (the planner refills the queue within a second while
# one runs). A worker that is never quiet leaves the log to the search for due work, which
# folds an entry when its email's hold runs out (READY_HOLD); every read shows the log
# meanwhile.
FOLD_QUIET_S = 5.0
# The planner plans fan-out pages only while the ready queue holds fewer pages than this:
# enough to keep the attempts busy, not so many that a withdrawal finds thousands queued.
READY_BACKLOG_PAGES = 20


@dataclass(frozen=True, slots=True)
class Context:
    """What the attempts of one claimed batch need, loaded with one query per collection."""

    # Keyed by (tenant id, id).
    channels: dict[tuple[str, str], Channel]
    releases: dict[tuple[str, str], Document]
    subscribers: dict[tuple[str, str], Subscriber]
    # (tenant id, address) on the tenant's suppression list (bounced, complained, by hand).
    suppressed: set[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class _Pending:
    claimed: Claimed
    outcome: Outcome
    recipient: str | None
    committed: asyncio.Future[None]


class OutcomeRecorder:
    """Records attempts' outcomes by group commit (see the module docstring), and takes a ready
    page off the queue with the last of its deliveries' outcomes (a page whose last delivery
    was cancelled instead goes with the next group, or when a worker takes it again)."""

    def __init__(self, distribution: Distribution) -> None:
        self._distribution = distribution
        self._queue: list[_Pending] = []
        self._uncommitted = 0
        self._committing: asyncio.Task[None] | None = None
        # Held deliveries not yet settled, per (ready page, claim); pages all settled.
        self._page_left: dict[tuple[str, str], int] = {}
        self._pages_done: list[tuple[str, str]] = []

    def expect(self, claimed: list[Claimed]) -> None:
        """Counts the deliveries their ready pages hold, to know when a page is done."""
        for item in claimed:
            if item.page is not None:
                key = (item.page, item.claim)
                self._page_left[key] = self._page_left.get(key, 0) + 1

    def settled(self, claimed: Claimed) -> None:
        """The delivery's first attempt is recorded (or it was cancelled)."""
        if claimed.page is None:
            return
        key = (claimed.page, claimed.claim)
        left = self._page_left.get(key, 0) - 1
        if left > 0:
            self._page_left[key] = left
        else:
            self._page_left.pop(key, None)
            self._pages_done.append(key)

    @property
    def backlog(self) -> int:
        """Outcomes handed over and not yet committed."""
        return self._uncommitted

    async def record(self, claimed: Claimed, outcome: Outcome, recipient: str | None) -> None:
        """Returns once the outcome is committed; raises what the transaction raised."""
        committed = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending(claimed, outcome, recipient, committed))
        self._uncommitted += 1
        if self._committing is None:
            self._committing = asyncio.create_task(self._commit_queued(), name="outcome-recorder")
        try:
            await committed
        finally:
            self._uncommitted -= 1

    async def _commit_queued(self) -> None:
        try:
            while self._queue:
                group = self._queue[:MAX_OUTCOMES_PER_TRANSACTION]
                del self._queue[: len(group)]
                await self._commit(group)
        finally:
            self._committing = None

    async def _commit(self, group: list[_Pending]) -> None:
        distribution = self._distribution
        for item in group:
            self.settled(item.claimed)
        # If the transaction fails, the pages stay queued: taken again when their leases end.
        pages, self._pages_done = self._pages_done, []

        async def record_all(uow: MongoUnitOfWork) -> None:
            attempted = [attempts.Attempted(i.claimed, i.outcome, i.recipient) for i in group]
            await attempts.record_outcomes(
                uow, attempted, distribution.clock(), finished_pages=pages
            )

        try:
            await distribution.transact(record_all)
        except Exception as error:
            for item in group:
                if not item.committed.done():
                    item.committed.set_exception(error)
            return
        for item in group:
            if not item.committed.done():
                item.committed.set_result(None)


class DeliveryWorker:
    def __init__(
        self,
        distribution: Distribution,
        *,
        interval_s: float,
        batch_size: int,
        lease_s: float,
        concurrency: dict[str, int],
    ) -> None:
        self._distribution = distribution
        self._interval_s = interval_s
        self._batch_size = batch_size
        self._lease = timedelta(seconds=lease_s)
        self._slots = {kind: asyncio.Semaphore(n) for kind, n in concurrency.items()}
        self._in_flight: set[asyncio.Task[None]] = set()
        # Of those, the ones still waiting for the far side (see run_once).
        self._attempting: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._planner: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._recorder = OutcomeRecorder(distribution)
        self._next_due_look = 0.0  # time.monotonic() of the next look for due work
        self._busy_seen = float("-inf")  # time.monotonic() the worker last had work
        self._page_ends = PageEndsByCursor(distribution.runtime.db)

    async def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="delivery-worker")
        self._planner = asyncio.create_task(self._plan(), name="fan-out-planner")

    async def stop(self) -> None:
        for task in (self._planner, self._loop):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        # Attempts in flight finish (or their leases bring them back to another worker).
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        await self._page_ends.close()

    async def _run(self) -> None:
        while True:
            folded = 0
            try:
                claimed = await self.run_once()
                folded = await self.fold_once()
            except Exception:
                logger.exception("delivery worker: claiming or folding failed; trying again")
                claimed = 0
            if claimed == 0 and folded == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._interval_s)

    async def run_once(self) -> int:
        """Claims what fits in the free slots and starts the attempts; returns how many.

        Fresh deliveries come from the ready queue; then the due ones (retries, expired leases)
        and posts to delete, looked for when the ready queue had nothing, or else once per
        interval: each look is a transaction, and made at every claim while a fan-out kept
        the queue busy, they took as long as the claims themselves. While attempts are in
        flight it waits until a quarter of the slots are free: each claim is a transaction,
        not worth making for a handful of deliveries."""
        if self._recorder.backlog >= MAX_UNCOMMITTED:
            # Outcomes come faster than they are committed: let the commits catch up (also
            # bounds what a crash forgets, and so the emails sent twice).
            return 0
        free = self._batch_size - len(self._attempting)
        if free <= 0 or (self._attempting and free < self._batch_size // 4):
            return 0
        distribution = self._distribution
        now = distribution.clock()
        owner = distribution.runtime.instance
        claimed = await distribution.transact(
            lambda uow: attempts.claim_ready(uow, now, free, owner=owner, lease=self._lease)
        )
        if claimed:
            self._busy_seen = time.monotonic()
        look_for_due = not claimed or time.monotonic() >= self._next_due_look
        if look_for_due:
            self._next_due_look = time.monotonic() + self._interval_s
        if look_for_due and len(claimed) < free:
            claimed += await distribution.transact(
                lambda uow: attempts.claim_due(
                    uow, now, free - len(claimed), owner=owner, lease=self._lease
                )
            )
        if claimed:
            self._recorder.expect(claimed)
            context = await self._context(claimed)
            for item in claimed:
                self._spawn(self._attempt(item, context))
        free -= len(claimed)
        retractions = []
        if look_for_due and free > 0:
            retractions = await distribution.transact(
                lambda uow: attempts.claim_retractions(uow, now, free, lease=self._lease)
            )
        if retractions:
            context = await self._context(retractions)
            for item in retractions:
                self._spawn(self._retract(item, context))
        return len(claimed) + len(retractions)

    async def fold_once(self) -> int:
        """Folds a batch of logged outcomes into their deliveries (see
        :func:`attempts.fold_outcomes`) once the worker has been quiet for
        :data:`FOLD_QUIET_S` (nothing from the ready queue, no attempt in flight, no outcome
        waiting for its commit); how many."""
        if self._in_flight or self._recorder.backlog:
            self._busy_seen = time.monotonic()
        if time.monotonic() - self._busy_seen < FOLD_QUIET_S:
            return 0
        return await self._distribution.transact(
            lambda uow: attempts.fold_outcomes(uow, FOLD_BATCH)
        )

    async def _plan(self) -> None:
        """Plans the pages of large fan-outs, a little ahead of the attempts (see
        :mod:`distribution.domain.fanouts`); sleeps while none is open."""
        while True:
            try:
                planned = await self.plan_once()
            except Exception:
                logger.exception("fan-out planner: planning a page failed; trying again")
                planned = None
            if planned is None:
                await asyncio.sleep(self._interval_s)

    async def plan_once(self) -> int | None:
        """Plans one page unless the ready queue holds enough already; None: nothing to plan
        now, else how many deliveries were planned."""
        distribution = self._distribution
        if await distribution.reader().ready.backlog() >= READY_BACKLOG_PAGES:
            return None
        try:
            planned = await distribution.transact(
                lambda uow: planning.plan_next_page(uow, distribution.clock(), self._page_ends)
            )
        except FanOutMovedError:
            return 0  # another worker planned that page; on to the next
        if planned:
            self._wake.set()
        return planned

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._in_flight.add(task)
        self._attempting.add(task)
        task.add_done_callback(self._done)

    def _answered(self) -> None:
        """The far side answered the current attempt: its place goes to the next claim while
        its outcome waits for the group commit."""
        task = asyncio.current_task()
        if task in self._attempting:
            self._attempting.discard(task)
            self._wake.set()

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._attempting.discard(task)
        self._wake.set()

    async def wait_idle(self) -> None:
        """Until the attempts started so far have ended (for tests and shutdown)."""
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)

    async def _context(self, claimed: list[Claimed]) -> Context:
        reader = self._distribution.reader()
        context = Context({}, {}, {}, set())
        tenants = {c.delivery.tenant_id for c in claimed}
        for tenant in tenants:
            mine = [c.delivery for c in claimed if c.delivery.tenant_id == tenant]
            channels = await reader.channels.of_ids(tenant, list({d.channel_id for d in mine}))
            releases = await reader.releases.of_ids(tenant, list({d.release_id for d in mine}))
            readers = [d.recipient for d in mine if d.channel_kind == "email"]
            subscribers = await reader.subscribers.of_ids(tenant, readers) if readers else {}
            context.channels.update({(tenant, k): v for k, v in channels.items()})
            context.releases.update({(tenant, k): v for k, v in releases.items()})
            context.subscribers.update({(tenant, k): v for k, v in subscribers.items()})
            emails = [subscriber.email for subscriber in subscribers.values()]
            suppressed = await reader.suppressions.suppressed(tenant, emails)
            context.suppressed.update((tenant, email) for email in suppressed)
        return context

    async def _attempt(self, claimed: Claimed, context: Context) -> None:
        try:
            await self._attempt_claimed(claimed, context)
        except Exception:
            logger.exception(
                "delivery %s: the attempt failed unexpectedly; its lease brings it back",
                claimed.delivery.id,
            )

    async def _attempt_claimed(self, claimed: Claimed, context: Context) -> None:
        distribution = self._distribution
        delivery = claimed.delivery
        tenant = delivery.tenant_id
        channel = context.channels.get((tenant, delivery.channel_id))
        release = context.releases.get((tenant, delivery.release_id))
        subscriber = context.subscribers.get((tenant, delivery.recipient))
        recipient: str | None = None
        if delivery.channel_kind == "email":
            # Checked again right before sending: the subscriber may have left, bounced or been
            # suppressed since the release was planned.
            if subscriber is None or not subscriber.reachable:
                await self._cancel(claimed, "the subscriber is no longer reachable")
                return
            if (tenant, subscriber.email) in context.suppressed:
                await self._cancel(claimed, "the address is suppressed")
                return
            recipient = keyed_digest(subscriber.email, distribution.digest_key)
        async with self._slots.setdefault(delivery.channel_kind, asyncio.Semaphore(1)):
            if not self._lease_holds(claimed):
                # Waited too long for a slot: another worker may take it over any moment now,
                # and two attempts at once would send twice. Its lease brings it back.
                logger.debug("delivery %s: lease too close to its end; not attempted", delivery.id)
                return
            outcome = await self._outcome(claimed, channel, release, subscriber)
        self._answered()
        await self._recorder.record(claimed, outcome, recipient)

    async def _cancel(self, claimed: Claimed, reason: str) -> None:
        distribution = self._distribution
        await distribution.transact(
            lambda uow: attempts.cancel_claimed(uow, claimed, distribution.clock(), reason)
        )
        self._recorder.settled(claimed)

    def _lease_holds(self, claimed: Claimed) -> bool:
        """True while a quarter of the claim's lease is left: time for the attempt (the lease
        is meant to be much longer than any attempt takes)."""
        lease_until: datetime = claimed.delivery.next_attempt_at
        return self._distribution.clock() + self._lease / 4 < lease_until

    async def _retract(self, claimed: Claimed, context: Context) -> None:
        """Deletes the post a withdrawn release left on a network."""
        distribution = self._distribution
        delivery = claimed.delivery
        channel = context.channels.get((delivery.tenant_id, delivery.channel_id))
        try:
            if channel is None:
                outcome: Outcome = PermanentFailure("the channel is gone")
            else:
                async with self._slots.setdefault(delivery.channel_kind, asyncio.Semaphore(1)):
                    # Every post of a thread, replies first.
                    outcome = await dispatch.retract_social(distribution.senders, delivery, channel)
            await distribution.transact(
                lambda uow: attempts.record_retraction(uow, claimed, outcome, distribution.clock())
            )
        except Exception:
            logger.exception(
                "delivery %s: retraction failed; its lease brings it back", delivery.id
            )

    async def _outcome(
        self,
        claimed: Claimed,
        channel: Channel | None,
        release: Document | None,
        subscriber: Subscriber | None,
    ) -> Outcome:
        delivery = claimed.delivery
        senders = self._distribution.senders
        if channel is None or not channel.enabled:
            return PermanentFailure("the channel was removed or disabled")
        if release is None:
            return PermanentFailure("the release's facts are missing")
        try:
            if channel.kind == "webhook":
                return await dispatch.attempt_webhook(senders, delivery, channel, release)
            if channel.kind == "email":
                assert subscriber is not None
                now = self._distribution.clock()
                return await dispatch.attempt_email(
                    senders, delivery, channel, release, subscriber, now
                )
            return await dispatch.attempt_social(senders, delivery, channel, release)
        except Exception as error:
            # A bug of ours, not the far side's answer: retried with backoff, and logged.
            logger.exception("delivery %s: attempt raised", delivery.id)
            return TransientFailure(f"internal error: {type(error).__name__}")
