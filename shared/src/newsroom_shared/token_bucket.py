"""One token bucket for the whole project: public rate limits per client (in memory, before the
shared count) and the pacing of outgoing SMTP.

``burst`` tokens at most, refilled at ``rate_per_s``. Hand-written (a few lines) because the
limiters on PyPI read the event loop's clock, and tests must drive the clock themselves.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]  # monotonic seconds, like time.monotonic
Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    def __init__(self, rate_per_s: float, burst: int = 1, *, clock: Clock = time.monotonic) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError("the rate must be positive and the burst at least 1")
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.clock = clock
        self.tokens = float(burst)
        self.updated = clock()

    def take(self) -> float:
        """Take a token if one is there: 0.0, else the seconds until one is due (none taken)."""
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate_per_s

    def take_due(self) -> None:
        """Take the token ``take`` said was due, once its wait is over (float error in the
        refill may leave it a hair short: never below zero)."""
        self._refill()
        self.tokens = max(self.tokens - 1, 0.0)

    def full_again(self) -> bool:
        """Idle long enough to be full: a fresh bucket would be the same (safe to forget)."""
        return self.clock() - self.updated >= self.burst / self.rate_per_s

    def _refill(self) -> None:
        now = self.clock()
        elapsed = max(now - self.updated, 0.0)
        self.tokens = min(self.tokens + elapsed * self.rate_per_s, float(self.burst))
        self.updated = now


class PacedBucket(TokenBucket):
    """A bucket callers wait on: ``acquire`` returns once a token is theirs. Waiters queue on a
    lock and are served in arrival order: the head sleeps until its token is due."""

    def __init__(
        self,
        rate_per_s: float,
        burst: int = 1,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(rate_per_s, burst, clock=clock)
        self._sleep = sleep
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            wait = self.take()
            if wait > 0:
                await self._sleep(wait)
                self.take_due()
