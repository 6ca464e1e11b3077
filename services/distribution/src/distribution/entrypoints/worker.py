"""The delivery worker: claims due deliveries and runs each as a task; plans fan-out pages.

Scheduling only: two background loops (:class:`newsroom_shared.background.BackgroundLoop`:
jitter, error backoff, metrics), one claiming, one planning; what to do with a delivery is
decided by :class:`distribution.service.delivering.Deliverer`. Claimed deliveries run as
independent tasks, capped per channel kind by a semaphore: a network that answers slowly or
rate-limits us holds up only its own deliveries, and the loop claims more work as slots free up
(at most ``batch_size`` attempts waiting for the far side). The slot of a channel kind, and the
attempt's place in the batch, are freed as soon as the far side answered, not when the outcome
is committed: outcomes are recorded by group commit
(:class:`distribution.service.group_commit.OutcomeRecorder`), and claims pause while too many
wait for their commit.
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
from distribution.service.delivering import Context, Deliverer
from distribution.service.group_commit import MAX_OUTCOMES_PER_TRANSACTION
from newsroom_shared.background import BackgroundLoop

logger = logging.getLogger(__name__)

# Outcomes waiting for their commit at most before claims pause (see run_once): a group
# committing and the next one filling, so the connections stay busy during a commit.
MAX_UNCOMMITTED = 2 * MAX_OUTCOMES_PER_TRANSACTION


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
        self._slots = {kind: asyncio.Semaphore(n) for kind, n in concurrency.items()}
        self._in_flight: set[asyncio.Task[None]] = set()
        # Of those, the ones still waiting for the far side (see run_once).
        self._attempting: set[asyncio.Task[None]] = set()
        self._deliverer = Deliverer(
            distribution,
            distribution.senders,
            distribution.clock,
            digest_key=distribution.digest_key,
            owner=distribution.runtime.instance,
            lease=timedelta(seconds=lease_s),
        )
        self.loop = BackgroundLoop("delivery-worker", self.run_once, interval_s=interval_s)
        self.planner = BackgroundLoop("fan-out-planner", self._plan_pass, interval_s=interval_s)
        distribution.doorbell.attach(self)
        self._next_retraction_look = 0.0  # time.monotonic() of the next look for retractions

    def wake(self) -> None:
        """Claim now instead of after the idle wait: due work was just committed here (the
        release consumers ring ``distribution.doorbell`` after their commit)."""
        self.loop.wake()

    async def start(self) -> None:
        await self.loop.start()
        await self.planner.start()

    async def stop(self) -> None:
        await self.planner.stop()
        await self.loop.stop()
        # Attempts in flight finish (or their leases bring them back to another worker).
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def run_once(self) -> int:
        """Claims what fits in the free slots and starts the attempts; returns how many.

        Posts to delete are looked for when the claim left room, or else once per interval
        (a fan-out keeps every claim full). While attempts are in flight it waits until a
        quarter of the slots are free: a claim of a handful is not worth its commands."""
        if self._deliverer.backlog >= MAX_UNCOMMITTED:
            # Outcomes come faster than they are committed: let the commits catch up (also
            # bounds what a crash forgets, and so the emails sent twice).
            return 0
        free = self._batch_size - len(self._attempting)
        if free <= 0 or (self._attempting and free < self._batch_size // 4):
            return 0
        batch = await self._deliverer.claim(free)
        for claimed in batch.claimed:
            self._spawn(self._attempt(claimed, batch.context))
        free -= len(batch.claimed)
        retracted = 0
        if free > 0 or time.monotonic() >= self._next_retraction_look:
            self._next_retraction_look = time.monotonic() + self._interval_s
            retractions = await self._deliverer.claim_retractions(max(free, 1))
            for claimed in retractions.claimed:
                self._spawn(self._retract(claimed, retractions.context))
            retracted = len(retractions.claimed)
        return len(batch.claimed) + retracted

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
            self.wake()
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
            self.wake()

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._attempting.discard(task)
        self.wake()

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
