"""The delivery worker: claims due deliveries and runs each as a task; plans fan-out pages.

Scheduling only: two background loops (:class:`newsroom_shared.background.BackgroundLoop`:
jitter, error backoff, metrics), one claiming, one planning; what to do with a delivery is
decided by :class:`distribution.service.delivering.Deliverer`. Claimed deliveries run as
independent tasks, capped per channel kind by a semaphore: a network that answers slowly or
rate-limits us holds up only its own deliveries, and the loop claims more work once half of its
places are free (at most ``batch_size`` attempts waiting for the far side): few, large claims,
each a handful of commands whatever its size. The slot of a channel kind, and the attempt's
place in the batch, are freed as soon as the far side answered, not when the outcome is
committed: outcomes are recorded by group commit
(:class:`distribution.service.group_commit.OutcomeRecorder`), and claims pause while a whole
group waits for its commit.

The planner looks for fan-out pages to plan when the doorbell rang (a fan-out started), after
each claim (due work went down), and otherwise every ``PLANNER_IDLE_INTERVALS`` intervals (a
fan-out of another replica); posts to delete are looked for when the doorbell rang (a
withdrawal) and otherwise every ``RETRACTION_LOOK_INTERVALS`` intervals. So neither costs
commands per delivery during a fan-out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from distribution.bootstrap import Distribution
from distribution.service import planning
from distribution.service.attempts import Claimed
from distribution.service.delivering import Batch, Context, Deliverer, largest_claim
from distribution.service.group_commit import MAX_OUTCOMES_PER_TRANSACTION
from newsroom_shared.background import BackgroundLoop

logger = logging.getLogger(__name__)

# Outcomes waiting for their commit at most before claims pause (see run_once): one full group.
# The attempts already claimed go on while it commits (the connections stay busy); a crash
# forgets at most this many answers and the attempts in flight.
MAX_UNCOMMITTED = MAX_OUTCOMES_PER_TRANSACTION
# Without a ring of the doorbell or a claim, the planner looks for pages to plan every this
# many intervals, and the worker for posts to delete.
PLANNER_IDLE_INTERVALS = 5
RETRACTION_LOOK_INTERVALS = 10


class DeliveryWorker:
    def __init__(
        self,
        distribution: Distribution,
        *,
        interval_s: float,
        batch_size: int,
        lease_s: float,
        concurrency: dict[str, int],
        sends_per_s: float | None = None,
    ) -> None:
        self._distribution = distribution
        self._interval_s = interval_s
        self._batch_size = batch_size
        # Claims small enough that a paced SMTP relay starts each attempt well inside its lease.
        self._claim_size = largest_claim(batch_size, timedelta(seconds=lease_s), sends_per_s)
        self._slots = {kind: asyncio.Semaphore(n) for kind, n in concurrency.items()}
        self._in_flight: set[asyncio.Task[None]] = set()
        # Of those, the ones still waiting for the far side (see run_once).
        self._attempting: set[asyncio.Task[None]] = set()
        self._owner = distribution.runtime.instance
        self._lease = timedelta(seconds=lease_s)
        self._deliverer = Deliverer(
            distribution,
            distribution.senders,
            distribution.clock,
            digest_key=distribution.digest_key,
            owner=self._owner,
            lease=self._lease,
            outcomes_expected=lambda: len(self._attempting),
        )
        self.loop = BackgroundLoop("delivery-worker", self.run_once, interval_s=interval_s)
        self.planner = BackgroundLoop(
            "fan-out-planner", self._plan_pass, interval_s=interval_s * PLANNER_IDLE_INTERVALS
        )
        distribution.doorbell.attach(self)
        self._next_retraction_look = 0.0  # time.monotonic() of the next look for retractions

    def wake(self) -> None:
        """Claim, plan and look for posts to delete now instead of after the idle wait: work
        was just committed here (the release consumers ring ``distribution.doorbell`` after
        their commit: new deliveries, a fan-out started, a withdrawal)."""
        self._next_retraction_look = 0.0
        self.loop.wake()
        self.planner.wake()

    async def start(self) -> None:
        # From now on the release consumer here plans posts claimed for this worker.
        self._distribution.handoff.open(self._owner, self._lease)
        await self.loop.start()
        await self.planner.start()

    async def stop(self) -> None:
        self._distribution.handoff.close()
        await self.planner.stop()
        await self.loop.stop()
        # Attempts in flight finish (or their leases bring them back to another worker).
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def run_once(self) -> int:
        """Claims what fits in the free places and starts the attempts; returns how many.

        While attempts are in flight it waits until half of the places are free: a claim is a
        handful of commands whatever its size, so few large claims keep the commands per
        delivery low. Posts to delete are looked for when the doorbell rang, or else every
        ``RETRACTION_LOOK_INTERVALS`` intervals."""
        if self._deliverer.backlog >= MAX_UNCOMMITTED:
            # Outcomes come faster than they are committed: let the commits catch up (also
            # bounds what a crash forgets, and so the emails sent twice).
            return 0
        free = min(self._batch_size - len(self._attempting), self._claim_size)
        if free <= 0 or (self._attempting and free < self._claim_size // 2):
            return 0
        # What the consumer here just planned first: planned claimed for this worker,
        # attempted without a command before (distribution.service.handoff).
        handed = self._deliverer.handed_over(self._distribution.handoff.take())
        for claimed in handed.claimed:
            self._spawn(self._attempt(claimed, handed.context))
        free -= len(handed.claimed)
        batch = await self._deliverer.claim(free) if free > 0 else Batch([], Context())
        for claimed in batch.claimed:
            self._spawn(self._attempt(claimed, batch.context))
        if batch.claimed:
            self.planner.wake()  # due work went down: maybe room for the next page
        started = len(handed.claimed) + len(batch.claimed)
        return started + await self._claim_retractions(max(free - len(batch.claimed), 1))

    async def _claim_retractions(self, limit: int) -> int:
        if time.monotonic() < self._next_retraction_look:
            return 0
        self._next_retraction_look = time.monotonic() + self._interval_s * RETRACTION_LOOK_INTERVALS
        retractions = await self._deliverer.claim_retractions(limit)
        for claimed in retractions.claimed:
            self._spawn(self._retract(claimed, retractions.context))
        return len(retractions.claimed)

    async def plan_once(self) -> int | None:
        """Plans one page unless enough is due already; None: nothing to plan now, else how
        many deliveries were planned (see :func:`distribution.service.planning.plan_ahead`)."""
        distribution = self._distribution
        planned = await planning.plan_ahead(
            distribution,
            distribution.clock.now(),
            page_size=distribution.settings.fan_out_page_size,
        )
        if planned:
            self.loop.wake()
        return planned

    async def _plan_pass(self) -> int:
        """One pass of the planner loop: how many pages it handled (a page planned, lost to
        another worker or closed counts; the loop then plans the next at once)."""
        return 0 if await self.plan_once() is None else 1

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
            self.loop.wake()

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if task in self._attempting:
            self._attempting.discard(task)
            self._deliverer.attempt_ended()  # ended without an outcome: none to wait for
        self.loop.wake()

    async def wait_idle(self) -> None:
        """Until the attempts started so far have ended (for tests and shutdown)."""
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)

    def _slot(self, kind: str) -> asyncio.Semaphore:
        return self._slots.setdefault(kind, asyncio.Semaphore(1))

    async def _attempt(self, claimed: Claimed, context: Context) -> None:
        deliverer = self._deliverer
        try:
            if await deliverer.cancel_if_unreachable(claimed, context):
                return
            async with self._slot(claimed.delivery.channel_kind):
                if not deliverer.lease_holds(claimed):
                    # Waited too long for a slot; its lease brings it back.
                    logger.debug("delivery %s: lease too close to its end", claimed.delivery.id)
                    return
                attempted = await deliverer.attempt(claimed, context)
            self._answered()
            await deliverer.record(attempted)
        except Exception:
            logger.exception(
                "delivery %s: the attempt failed unexpectedly; its lease brings it back",
                claimed.delivery.id,
            )

    async def _retract(self, claimed: Claimed, context: Context) -> None:
        """Deletes the posts a withdrawn release left on a network (a thread's replies
        first)."""
        deliverer = self._deliverer
        try:
            async with self._slot(claimed.delivery.channel_kind):
                outcome = await deliverer.retract(claimed, context)
            await deliverer.record_retraction(claimed, outcome)
        except Exception:
            logger.exception(
                "delivery %s: retraction failed; its lease brings it back", claimed.delivery.id
            )
