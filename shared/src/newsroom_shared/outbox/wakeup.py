"""Wakes the relay when an entry is inserted, so it need not wait for its next poll."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from newsroom_shared.outbox.store import Outbox

logger = logging.getLogger(__name__)


class InsertWakeup:
    """Sets ``wake`` on every insert into the outbox, from a MongoDB change stream.

    Only an optimisation: when the stream cannot be opened (or breaks), it says so once and
    tries again every ``retry_s`` seconds, while the relay keeps polling.
    """

    def __init__(self, outbox: Outbox, wake: asyncio.Event, *, retry_s: float) -> None:
        self._outbox = outbox
        self._wake = wake
        self._retry_s = retry_s
        self._task: asyncio.Task[None] | None = None
        self._warned = False
        self._open = False

    @property
    def running(self) -> bool:
        return self._task is not None

    @property
    def listening(self) -> bool:
        """Whether the stream is open now (not opening, nor waiting to retry after a failure):
        only then does every insert wake the relay."""
        return self._task is not None and self._open

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._watch(), name="outbox-insert-wakeup")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _watch(self) -> None:
        while True:
            try:
                async with await self._outbox.watch_inserts() as stream:
                    self._open = True
                    # Entries may have arrived while the stream was opening.
                    self._wake.set()
                    async for _ in stream:
                        self._wake.set()
            except Exception as error:  # whatever the server says, polling still works
                if not self._warned:
                    logger.warning("outbox change stream unavailable, polling only: %s", error)
                    self._warned = True
            finally:
                self._open = False
            await asyncio.sleep(self._retry_s)
