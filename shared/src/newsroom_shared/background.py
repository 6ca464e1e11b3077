"""One loop for every background job of a service (scheduler, mailers, delivery worker).

A job is a ``step``: one pass that does what is due and answers how many items it handled.
The loop runs it again at once while it finds work, waits ``interval_s`` (with jitter, so
replicas started together do not poll in step) when it found none, and backs off
exponentially, up to ``max_backoff_s``, while it raises; one failing pass never ends the loop.
:meth:`BackgroundLoop.wake` cuts an idle wait short (new work was just written by this process).
Each loop reports its passes, items and errors as Prometheus metrics under its name.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from prometheus_client import Counter, Gauge

logger = logging.getLogger(__name__)

Step = Callable[[], Awaitable[int]]

PASSES = Counter(
    "newsroom_background_passes",
    "Passes of a background loop, by outcome (work, idle, error)",
    ["loop", "outcome"],
)
ITEMS = Counter("newsroom_background_items", "Items a background loop handled", ["loop"])
LAST_PASS = Gauge(
    "newsroom_background_last_pass_timestamp_seconds",
    "When a background loop last finished a pass without error (Unix time)",
    ["loop"],
)


class Wakeable(Protocol):
    def wake(self) -> None: ...


class Doorbell:
    """Lets one part of a process tell the loops attached to it that work is ready now (a
    consumer that just committed due work, the worker that acts on it), without either knowing
    the other. Ringing a bell with no loop attached does nothing."""

    def __init__(self) -> None:
        self._loops: list[Wakeable] = []

    def attach(self, loop: Wakeable) -> None:
        self._loops.append(loop)

    def ring(self) -> None:
        for loop in self._loops:
            loop.wake()


class BackgroundLoop:
    def __init__(
        self,
        name: str,
        step: Step,
        *,
        interval_s: float,
        jitter: float = 0.1,
        max_backoff_s: float = 30.0,
    ) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self.name = name
        self._step = step
        self._interval_s = interval_s
        self._jitter = jitter
        self._max_backoff_s = max(max_backoff_s, interval_s)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.passes = 0  # finished passes, errors included: lets a test or probe see it is alive
        self.errors = 0  # consecutive failed passes

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Cancel the loop; a pass in progress is abandoned (its work is claimed, not lost)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Run the next pass now instead of after the idle wait."""
        self._wake.set()

    def pause_s(self, handled: int | None) -> float:
        """How long to wait after a pass: none after work, the interval when idle, a growing
        backoff after ``self.errors`` consecutive failures (``handled`` None)."""
        if handled is None:
            base: float = min(self._interval_s * 2.0 ** (self.errors - 1), self._max_backoff_s)
        elif handled:
            return 0.0
        else:
            base = self._interval_s
        return base * (1 + self._jitter * (2 * random.random() - 1))

    async def _run(self) -> None:
        while True:
            self._wake.clear()  # a wake() during the pass below still cuts the next wait short
            handled = await self._pass()
            self.passes += 1
            if handled is not None:
                LAST_PASS.labels(self.name).set(time.time())
            pause = self.pause_s(handled)
            if pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), pause)

    async def _pass(self) -> int | None:
        try:
            handled = await self._step()
        except Exception:
            self.errors += 1
            PASSES.labels(self.name, "error").inc()
            logger.exception("%s: a pass failed (%d in a row); backing off", self.name, self.errors)
            return None
        self.errors = 0
        PASSES.labels(self.name, "work" if handled else "idle").inc()
        ITEMS.labels(self.name).inc(handled)
        return handled
