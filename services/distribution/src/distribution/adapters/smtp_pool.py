"""A pool of persistent SMTP connections and the token bucket that paces what goes through it.

Opening an SMTP session costs several round trips (greeting, EHLO, maybe STARTTLS and AUTH), so
the sender keeps a few sessions open and reuses them for many messages. A session the server has
closed (idle timeout, restart, a 421) is noticed before reuse and opened again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import aiosmtplib

logger = logging.getLogger(__name__)

Clock = Callable[[], float]  # monotonic seconds, like time.monotonic
Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    """At most ``rate_per_s`` grants a second on average, bursts of at most ``burst``.

    Hand-written (25 lines) because the limiters on PyPI read the event loop's clock, and tests
    must drive the clock themselves. Waiters queue on a lock and are served in arrival order:
    the one at the head sleeps until its token is due, the rest wait behind it.
    """

    def __init__(
        self,
        rate_per_s: float,
        burst: int = 1,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError("the rate must be positive and the burst at least 1")
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until a token is available and take it."""
        async with self._lock:
            self._refill()
            if self._tokens < 1:
                await self._sleep((1 - self._tokens) / self.rate_per_s)
                self._refill()
            # After the exact wait the refill can fall short of 1 by float error: never below 0.
            self._tokens = max(self._tokens - 1, 0.0)

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(now - self._updated, 0.0)
        self._tokens = min(self._tokens + elapsed * self.rate_per_s, float(self.burst))
        self._updated = now


ClientFactory = Callable[[], aiosmtplib.SMTP]


@dataclass(eq=False)
class PooledConnection:
    """One SMTP session, opened on first use and again after it was discarded or closed."""

    make_client: ClientFactory
    max_messages: int | None = None
    client: aiosmtplib.SMTP | None = None
    sent: int = field(default=0)

    async def ready(self) -> aiosmtplib.SMTP:
        """The open session; a new one when the last was lost or has sent its share."""
        if self.client is not None and self.client.is_connected and not self._used_up:
            return self.client
        await self.close()
        client = self.make_client()
        try:
            await client.connect()
            if client.is_ehlo_or_helo_needed:
                # Now, not at the first MAIL: the sender reads the extensions (8BITMIME, SIZE)
                # before it serialises the message.
                await client.ehlo()
        except BaseException:
            client.close()
            raise
        self.client, self.sent = client, 0
        return client

    def count_sent(self) -> None:
        self.sent += 1

    def discard(self) -> None:
        """Drop the session without QUIT: after an error its state is unknown."""
        if self.client is not None:
            self.client.close()
        self.client = None

    async def close(self) -> None:
        """End the session politely (QUIT); a server that is gone already is fine."""
        client, self.client = self.client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError):
            client.close()

    @property
    def _used_up(self) -> bool:
        return self.max_messages is not None and self.sent >= self.max_messages


class ConnectionPool:
    """``size`` sessions, each used by one sender at a time."""

    def __init__(
        self, make_client: ClientFactory, size: int, max_messages: int | None = None
    ) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one connection")
        self.size = size
        self._connections = [PooledConnection(make_client, max_messages) for _ in range(size)]
        self._idle: asyncio.Queue[PooledConnection] = asyncio.Queue()
        for connection in self._connections:
            self._idle.put_nowait(connection)

    async def open(self) -> None:
        """Open every session now; one that fails is retried on first use (logged once here)."""
        results = await asyncio.gather(
            *(connection.ready() for connection in self._connections), return_exceptions=True
        )
        failures = [result for result in results if isinstance(result, BaseException)]
        if failures:
            logger.warning(
                "SMTP: %d of %d connections failed to open: %r",
                len(failures),
                self.size,
                failures[0],
            )

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[PooledConnection]:
        """An idle connection, returned to the pool afterwards (also on error)."""
        connection = await self._idle.get()
        try:
            yield connection
        finally:
            self._idle.put_nowait(connection)

    async def close(self) -> None:
        """Close every session once it is back in the pool (waits for sends in flight)."""
        for _ in range(self.size):
            connection = await self._idle.get()
            await connection.close()
        for connection in self._connections:
            self._idle.put_nowait(connection)
