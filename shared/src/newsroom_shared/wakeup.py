"""Wakes a polling loop when a document is inserted, so it need not wait for its next poll
(the outbox relay on new entries, the delivery worker on new ready pages)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pymongo.asynchronous.change_stream import AsyncChangeStream
from pymongo.asynchronous.collection import AsyncCollection

logger = logging.getLogger(__name__)


async def watch_inserts(collection: AsyncCollection[Any]) -> AsyncChangeStream[Any]:
    """A change stream yielding one small event per document inserted into ``collection``
    (only its resume token: a woken loop only needs to know that something arrived)."""
    pipeline: list[dict[str, Any]] = [
        {"$match": {"operationType": "insert"}},
        {"$project": {"_id": True}},
    ]
    return await collection.watch(pipeline)


class InsertWakeup:
    """Sets ``wake`` on every insert ``watch_inserts`` reports (a MongoDB change stream), and
    once when the stream opens (documents may have arrived while it was opening).

    Only an optimisation: when the stream cannot be opened (or breaks), it says so once and
    tries again every ``retry_s`` seconds, while the loop keeps polling.
    """

    def __init__(
        self,
        watch_inserts: Callable[[], Awaitable[AsyncChangeStream[Any]]],
        wake: asyncio.Event,
        *,
        retry_s: float,
        name: str,
    ) -> None:
        self._watch_inserts = watch_inserts
        self._name = name
        self._wake = wake
        self._retry_s = retry_s
        self._task: asyncio.Task[None] | None = None
        self._warned = False

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._watch(), name=self._name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _watch(self) -> None:
        while True:
            try:
                async with await self._watch_inserts() as stream:
                    # Entries may have arrived while the stream was opening.
                    self._wake.set()
                    async for _ in stream:
                        self._wake.set()
            except Exception as error:  # whatever the server says, polling still works
                if not self._warned:
                    logger.warning(
                        "%s: change stream unavailable, polling only: %s", self._name, error
                    )
                    self._warned = True
            await asyncio.sleep(self._retry_s)
