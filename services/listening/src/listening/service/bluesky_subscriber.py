"""The one Jetstream subscription of the deployment: held by one replica at a time (a lease),
recorded in batches, resumed a little before the last cursor stored after every reconnect.

Events are read by one task into a queue and recorded by another, so a batch is recorded when
it is full or ``flush_s`` after its first event, whichever comes first, however quiet the
network is. Each batch and the cursor after it commit together: a crash replays at most the
events after the last batch (and the rewind), and a replayed post is the same mention (its
URL is its dedupe key).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from listening.domain.bluesky import BlueskyPost, resume_cursor
from listening.service.bluesky import CursorTakenError, record_posts
from listening.service.ports import UnitOfWork
from newsroom_shared.clock import Clock

logger = logging.getLogger(__name__)


class Event(Protocol):
    @property
    def time_us(self) -> int: ...
    @property
    def post(self) -> BlueskyPost | None: ...


class Firehose(Protocol):
    def events(self, cursor: int | None) -> AbstractAsyncContextManager[AsyncIterator[Event]]: ...


@dataclass(frozen=True, slots=True)
class SubscriptionPolicy:
    batch_size: int = 200
    flush_s: float = 0.5
    rewind_s: float = 5.0
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0


class _End:
    """The stream ended (the far side closed it cleanly)."""


Item = Event | _End | Exception


class JetstreamSubscriber:
    def __init__(
        self,
        *,
        uow: Callable[[], UnitOfWork],
        firehose: Firehose,
        clock: Clock,
        policy: SubscriptionPolicy,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._uow = uow
        self._firehose = firehose
        self._clock = clock
        self._policy = policy
        self._sleep = sleep

    async def run(self) -> None:
        """Until cancelled; ends with :class:`CursorTakenError` when another replica took the
        subscription over."""
        failures = 0
        while True:
            try:
                await self._subscribe()
                failures = 0
            except CursorTakenError:
                raise
            except Exception as error:  # a dropped or refused connection: reconnect
                failures += 1
                logger.warning("jetstream: connection failed (%d in a row): %s", failures, error)
            policy = self._policy
            await self._sleep(min(policy.backoff_initial_s * 2**failures, policy.backoff_max_s))

    async def _subscribe(self) -> None:
        uow = self._uow()
        async with uow:
            seen = await uow.jetstream_cursor.current()
        start = resume_cursor(seen, self._policy.rewind_s)
        async with self._firehose.events(start) as events:
            queue: asyncio.Queue[Item] = asyncio.Queue(maxsize=self._policy.batch_size * 4)
            pump = asyncio.create_task(_pump(events, queue))
            try:
                await self._record_from(queue, seen)
            finally:
                pump.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pump

    async def _record_from(self, queue: asyncio.Queue[Item], seen: int | None) -> None:
        policy = self._policy
        while True:
            item = await queue.get()
            batch: list[Event] = []
            loop = asyncio.get_running_loop()
            until = loop.time() + policy.flush_s
            while not isinstance(item, _End | Exception):
                batch.append(item)
                if len(batch) >= policy.batch_size:
                    break
                try:
                    item = await asyncio.wait_for(queue.get(), max(until - loop.time(), 0))
                except TimeoutError:
                    break
            if batch:
                posts = [event.post for event in batch if event.post is not None]
                last = batch[-1].time_us
                seen = await record_posts(self._uow(), seen, posts, last, self._clock.now())
            if isinstance(item, _End):
                return
            if isinstance(item, Exception):
                raise item


async def _pump(events: AsyncIterator[Event], queue: asyncio.Queue[Item]) -> None:
    try:
        async for event in events:
            await queue.put(event)
        await queue.put(_End())
    except Exception as error:
        await queue.put(error)


class SubscriptionLease(Protocol):
    async def acquire(self) -> bool: ...
    async def release(self) -> None: ...


class HeldSubscription:
    """Runs ``subscribe`` in this replica while it holds ``lease``: :meth:`step` (a background
    loop's, every third of the lease's life) takes or renews the lease and starts the
    subscription, or stops it when another replica holds the lease."""

    def __init__(self, lease: SubscriptionLease, subscribe: Callable[[], Awaitable[None]]) -> None:
        self._lease = lease
        self._subscribe = subscribe
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def step(self) -> int:
        if await self._lease.acquire():
            if not self.running:
                self._task = asyncio.create_task(self._run(), name="jetstream")
        else:
            await self._cancel()
        return 0

    async def stop(self) -> None:
        await self._cancel()
        with contextlib.suppress(Exception):
            await self._lease.release()

    async def _run(self) -> None:
        try:
            await self._subscribe()
        except CursorTakenError:
            logger.info("jetstream: the subscription is held by another replica now")
        except Exception:
            logger.exception("jetstream: the subscription failed; started again at the next look")

    async def _cancel(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
