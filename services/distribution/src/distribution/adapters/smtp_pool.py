"""A pool of persistent SMTP connections (the pace is `newsroom_shared.token_bucket.PacedBucket`).

Opening an SMTP session costs several round trips (greeting, EHLO, maybe STARTTLS and AUTH), so
the sender keeps a few sessions open and reuses them for many messages. A session the server has
closed (idle timeout, restart, a 421) is noticed before reuse and opened again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import aiosmtplib

logger = logging.getLogger(__name__)

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
