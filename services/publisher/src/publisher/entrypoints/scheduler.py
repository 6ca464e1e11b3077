"""The scheduler: a background loop publishing due releases (scheduled, or at an embargo lift).

Every replica runs it. The state is in the database, so a restart loses nothing; the per-release
conditional save makes racing replicas publish each release once (see service/scheduler.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from publisher.bootstrap import Publisher
from publisher.service import scheduler

logger = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, publisher: Publisher, *, interval_s: float, batch_size: int) -> None:
        self._publisher = publisher
        self._interval_s = interval_s
        self._batch_size = batch_size
        self._task: asyncio.Task[None] | None = None
        self.passes = 0  # completed passes: lets a test (or a probe) see the loop is alive

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="publisher-scheduler")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run_once(self) -> int:
        """One pass: publish what is due now; returns how many this replica published."""
        publisher = self._publisher
        published = 0
        due = await scheduler.find_due(publisher.reader(), publisher.deps, limit=self._batch_size)
        for item in due:
            try:
                published += await scheduler.publish_due(publisher.uow(), publisher.deps, item)
            except Exception:
                # One broken release must not stop the others; it is tried again next pass.
                logger.exception("scheduler: publishing %s failed", item.release_id)
        if published:
            logger.info("scheduler: published %d due releases", published)
        self.passes += 1
        return published

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                logger.exception("scheduler: pass failed; retrying next interval")
            await asyncio.sleep(self._interval_s)
