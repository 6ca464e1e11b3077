"""The relay: publishes unsent outbox entries to Kafka in order and marks them sent.

At-least-once: an entry is marked sent only after the broker acknowledged it, so a crash between
the two publishes it again (consumers are idempotent); an entry committed while no relay runs
waits in the collection. Every pass reads *all* unsent entries in order, never "after the last
one sent", so an entry whose transaction commits late is still published, just later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Sequence

from pymongo.errors import PyMongoError

from newsroom_shared.clock import Clock, SystemClock
from newsroom_shared.lease import Lease
from newsroom_shared.mongo import Database
from newsroom_shared.outbox.batch import send_batch
from newsroom_shared.outbox.producer import Producer, kafka_producer
from newsroom_shared.outbox.store import Outbox, OutboxEntry, sent_documents
from newsroom_shared.outbox.wakeup import InsertWakeup

logger = logging.getLogger(__name__)

LEASE_NAME = "outbox-relay"
FIRST_BACKOFF_S = 0.1
BUSY_PASSES_BEFORE_POLLING = 3


class PublishError(Exception):
    """The broker did not acknowledge some entries of a batch; they stay unsent."""


class OutboxRelay:
    """Runs in every replica; a :class:`~newsroom_shared.lease.Lease` decides which one publishes.

    Woken by a change stream on the outbox, with a polling fallback; publishes a batch with one
    producer flush and marks it sent with one bulk write. The service creates the outbox indexes
    (:meth:`Outbox.ensure_indexes`) before starting it.
    """

    def __init__(
        self,
        db: Database,
        bootstrap_servers: str,
        *,
        owner: str,
        batch_size: int = 500,
        poll_interval_s: float = 1.0,
        lease_ttl_s: float = 10.0,
        linger_ms: int = 0,
        max_backoff_s: float = 5.0,
        busy_pause_s: float = 0.05,
        stop_timeout_s: float = 10.0,
        producer: Producer | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.owner = owner
        self._clock = clock or SystemClock()
        self._outbox = Outbox(db, clock=self._clock)
        self._lease = Lease(db, LEASE_NAME, owner, lease_ttl_s, clock=self._clock)
        # Made in start(): aiokafka binds a producer to the running event loop, and the relay is
        # built before there is one (when the app is assembled).
        self._given_producer = producer
        self._bootstrap_servers = bootstrap_servers
        self._linger_ms = linger_ms
        self._producer: Producer | None = None
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._max_backoff_s = max_backoff_s
        self._busy_pause_s = busy_pause_s
        self._stop_timeout_s = stop_timeout_s
        # Renewing at a third of the TTL leaves two thirds for a slow batch before it expires.
        self._renew_every_s = lease_ttl_s / 3
        self._holding = False
        self._renewed_at = -math.inf
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._pass_lock = asyncio.Lock()
        self._wakeup = InsertWakeup(self._outbox, self._wake, retry_s=max(5.0, poll_interval_s))
        self._task: asyncio.Task[None] | None = None
        self._started = False

    @property
    def holds_lease(self) -> bool:
        """Whether this replica held the lease at its last check."""
        return self._holding

    @property
    def listens_to_inserts(self) -> bool:
        """Whether the relay follows inserts through a change stream (an idle lease holder does)."""
        return self._wakeup.running

    async def start(self, *, background: bool = True) -> None:
        """Start the producer and the background loop (``background=False``: the producer only,
        for callers that drive :meth:`publish_pending` themselves)."""
        if self._started:
            raise RuntimeError("the relay is already started")
        self._producer = self._given_producer or kafka_producer(
            self._bootstrap_servers, linger_ms=self._linger_ms
        )
        await self._producer.start()
        self._started = True
        if background:
            self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self.owner}")

    async def stop(self) -> None:
        """Stop the loop (finishing the batch in flight) and the producer; release the lease."""
        if not self._started:
            return
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._finish_or_cancel(self._task)
            self._task = None
        await self._wakeup.stop()
        try:
            async with self._pass_lock:  # a publish_pending() call may still be running
                if self._holding:
                    await self._lease.release()
        except PyMongoError as error:
            logger.warning("could not release the outbox lease, it will expire: %s", error)
        finally:
            self._holding = False
            self._started = False
            if self._producer is not None:
                await self._producer.stop()

    async def _finish_or_cancel(self, task: asyncio.Task[None]) -> None:
        """Let the loop finish its batch; a batch stuck on an unreachable broker is cancelled
        (its entries stay unsent and go out again later)."""
        done, _ = await asyncio.wait({task}, timeout=self._stop_timeout_s)
        if not done:
            logger.warning(
                "outbox relay: batch unfinished after %.0fs, cancelled", self._stop_timeout_s
            )
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def publish_pending(self) -> int:
        """One pass: publish what is unsent (if this replica holds the lease); returns the count."""
        if not self._started:
            raise RuntimeError("start() the relay before publishing")
        async with self._pass_lock:
            published = 0
            while await self._hold_lease():
                entries = await self._outbox.unsent(self._batch_size)
                published += await self._publish(entries)
                if len(entries) < self._batch_size or self._stopping.is_set():
                    break
            return published

    async def _hold_lease(self) -> bool:
        if self._holding and time.monotonic() - self._renewed_at < self._renew_every_s:
            return True
        asked_at = time.monotonic()
        holding = await self._lease.acquire()
        if holding:
            self._renewed_at = asked_at
        if holding != self._holding:
            logger.info("outbox relay %s %s the lease", self.owner, "took" if holding else "lost")
        self._holding = holding
        return holding

    async def _publish(self, entries: Sequence[OutboxEntry]) -> int:
        if not entries:
            return 0
        if self._producer is None:
            raise RuntimeError("start the relay before publishing")
        outcome = await send_batch(self._producer, entries)
        # Even after a failure, the documents the broker acknowledged whole are marked, so a
        # retry resends only the rest (a partial failure can still reorder a key, and resend
        # events of a document partly acknowledged: at-least-once, not exactly-once).
        await self._outbox.mark_sent(sent_documents(entries, outcome.delivered), self._clock.now())
        if outcome.error is not None:
            raise PublishError(
                f"{len(entries) - len(outcome.delivered)} of {len(entries)} entries not "
                f"acknowledged, first {outcome.first_failed}: {outcome.error!r}"
            ) from outcome.error
        return len(outcome.delivered)

    async def _run(self) -> None:
        failures = busy_passes = 0
        while not self._stopping.is_set():
            self._wake.clear()  # before the pass: an insert during it triggers the next one
            try:
                published = await self.publish_pending()
            except Exception as error:  # Kafka or MongoDB unavailable: nothing is lost, retry
                failures += 1
                delay = min(self._max_backoff_s, FIRST_BACKOFF_S * 2 ** (failures - 1))
                logger.warning(
                    "outbox relay: pass failed (%d in a row), retrying in %.1fs: %r",
                    failures,
                    delay,
                    error,
                )
                await self._wait(self._stopping, delay)
                continue
            if failures:
                logger.info("outbox relay: publishing again after %d failed passes", failures)
                failures = 0
            busy_passes = busy_passes + 1 if published else 0
            # While entries keep coming the relay polls: a change stream would answer each insert
            # with its own wake-up (a getMore each) where one poll per pass takes them all; it
            # listens again from the first pass that finds nothing.
            await self._follow_inserts(self._holding and busy_passes < BUSY_PASSES_BEFORE_POLLING)
            if self._holding and published:
                # A short pause lets the next batch grow instead of chasing every insert: one
                # read, one produce request and one mark then serve the commits of the whole
                # pause (and the consumers fetch them as one batch). The first pass after a
                # quiet spell (woken by the change stream) runs at once: only a busy relay
                # lingers.
                await self._wait(self._stopping, self._busy_pause_s)
                if self._wakeup.listening and not self._wake.is_set():
                    # Nothing came during the pause and the change stream will say when
                    # something does: a pass now would only find nothing. The burst is over.
                    busy_passes = 0
                    await self._wait(self._wake, self._idle_wait_s())
            elif self._holding:
                await self._wait(self._wake, self._idle_wait_s())
            else:
                await self._wait(self._stopping, self._poll_interval_s)

    def _idle_wait_s(self) -> float:
        """How long an idle holder waits for a wake-up: while its change stream is open, an
        insert wakes it, so it only needs to pass in time to renew the lease; else it polls."""
        if self._wakeup.listening:
            return self._renew_every_s
        return min(self._poll_interval_s, self._renew_every_s)

    async def _follow_inserts(self, listen: bool) -> None:
        """Only an idle lease holder listens to inserts; the others poll."""
        if listen and not self._wakeup.running:
            self._wakeup.start()
        elif not listen and self._wakeup.running:
            await self._wakeup.stop()

    @staticmethod
    async def _wait(event: asyncio.Event, timeout_s: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout_s)
