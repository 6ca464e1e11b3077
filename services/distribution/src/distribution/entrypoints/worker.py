"""The delivery worker: claims due deliveries and runs each as a task; plans fan-out pages.

Scheduling only; what to do with a delivery is decided in :mod:`distribution.service`.
Claimed deliveries run as independent tasks, capped per channel kind by a semaphore: a network
that answers slowly or rate-limits us holds up only its own deliveries, and the loop claims more
work as slots free up (at most ``batch_size`` attempts waiting for the far side). The slot of a
channel kind, and the attempt's place in the batch, are freed as soon as the far side answered,
not when the outcome is committed: outcomes are recorded by group commit
(:class:`distribution.service.group_commit.OutcomeRecorder`), and claims pause while too many
wait for their commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from distribution.adapters.mongo.fanouts import FanOutMovedError
from distribution.bootstrap import Distribution
from distribution.service import attempts, delivering, planning
from distribution.service.attempts import Claimed
from distribution.service.delivering import Context
from distribution.service.group_commit import MAX_OUTCOMES_PER_TRANSACTION, OutcomeRecorder

logger = logging.getLogger(__name__)

# Outcomes waiting for their commit at most before claims pause (see run_once): a group
# committing and the next one filling, so the connections stay busy during a commit.
MAX_UNCOMMITTED = 2 * MAX_OUTCOMES_PER_TRANSACTION
# The planner plans fan-out pages only while fewer pending deliveries than this are due:
# enough to keep the attempts busy, not so many that a withdrawal finds thousands planned.
PLAN_AHEAD = 2_000


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
        self._recorder = OutcomeRecorder(distribution.transact, distribution.clock)
        distribution.doorbell.attach(self)
        self._next_retraction_look = 0.0  # time.monotonic() of the next look for retractions

    def wake(self) -> None:
        """Claim now instead of after the idle wait: due work was just committed here (the
        release consumers ring ``distribution.doorbell`` after their commit)."""
        self._wake.set()

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

    async def _run(self) -> None:
        while True:
            try:
                claimed = await self.run_once()
            except Exception:
                logger.exception("delivery worker: claiming failed; trying again")
                claimed = 0
            if claimed == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._interval_s)

    async def run_once(self) -> int:
        """Claims what fits in the free slots and starts the attempts; returns how many.

        Posts to delete are looked for when the claim left room, or else once per interval
        (a fan-out keeps every claim full). While attempts are in flight it waits until a
        quarter of the slots are free: a claim of a handful is not worth its commands."""
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
        reader = distribution.reader()
        claimed = await attempts.claim_due(reader, now, free, owner=owner, lease=self._lease)
        if claimed:
            context = await delivering.load_context(reader, [c.delivery for c in claimed])
            for item in claimed:
                self._spawn(self._attempt(item, context))
        free -= len(claimed)
        retractions: list[Claimed] = []
        if free > 0 or time.monotonic() >= self._next_retraction_look:
            self._next_retraction_look = time.monotonic() + self._interval_s
            retractions = await attempts.claim_retractions(
                reader, now, max(free, 1), lease=self._lease
            )
        if retractions:
            context = await delivering.load_context(reader, [c.delivery for c in retractions])
            for item in retractions:
                self._spawn(self._retract(item, context))
        return len(claimed) + len(retractions)

    async def _plan(self) -> None:
        """Plans the pages of large fan-outs, a little ahead of the attempts (see
        :mod:`distribution.domain.fanouts`); sleeps while none is open or enough is due."""
        while True:
            try:
                planned = await self.plan_once()
            except Exception:
                logger.exception("fan-out planner: planning a page failed; trying again")
                planned = None
            if planned is None:
                await asyncio.sleep(self._interval_s)

    async def plan_once(self) -> int | None:
        """Plans one page unless enough is due already; None: nothing to plan now, else how
        many deliveries were planned."""
        distribution = self._distribution
        now = distribution.clock()
        page_size = distribution.settings.fan_out_page_size
        if not await planning.room_to_plan(distribution.reader(), now, ahead=PLAN_AHEAD):
            return None
        try:
            planned = await distribution.transact(
                lambda uow: planning.plan_next_page(uow, now, page_size=page_size)
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

    def _slot(self, kind: str) -> asyncio.Semaphore:
        return self._slots.setdefault(kind, asyncio.Semaphore(1))

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
        reason = delivering.reason_to_cancel(delivery, context)
        if reason is not None:
            await distribution.transact(
                lambda uow: attempts.cancel_claimed(uow, claimed, distribution.clock(), reason)
            )
            return
        async with self._slot(delivery.channel_kind):
            if not self._lease_holds(claimed):
                # Waited too long for a slot: another worker may take it over any moment now,
                # and two attempts at once would send twice. Its lease brings it back.
                logger.debug("delivery %s: lease too close to its end; not attempted", delivery.id)
                return
            outcome = await delivering.attempt(
                distribution.senders, delivery, context, distribution.clock()
            )
        self._answered()
        recipient = delivering.event_recipient(delivery, context, distribution.digest_key)
        await self._recorder.record(claimed, outcome, recipient)

    def _lease_holds(self, claimed: Claimed) -> bool:
        """True while a quarter of the claim's lease is left: time for the attempt (the lease
        is meant to be much longer than any attempt takes)."""
        lease_until = claimed.delivery.next_attempt_at
        return self._distribution.clock() + self._lease / 4 < lease_until

    async def _retract(self, claimed: Claimed, context: Context) -> None:
        """Deletes the posts a withdrawn release left on a network (a thread's replies
        first)."""
        distribution = self._distribution
        delivery = claimed.delivery
        try:
            async with self._slot(delivery.channel_kind):
                outcome = await delivering.retract(distribution.senders, delivery, context)
            await distribution.transact(
                lambda uow: attempts.record_retraction(uow, claimed, outcome, distribution.clock())
            )
        except Exception:
            logger.exception(
                "delivery %s: retraction failed; its lease brings it back", delivery.id
            )
