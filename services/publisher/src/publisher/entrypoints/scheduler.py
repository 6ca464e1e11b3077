"""The scheduler: a background loop publishing due releases (scheduled, or at an embargo lift).

Every replica runs it. The state is in the database, so a restart loses nothing; the per-release
conditional save makes racing replicas publish each release once (see service/scheduler.py).
"""

from __future__ import annotations

import logging

from newsroom_shared.background import BackgroundLoop
from publisher.bootstrap import Publisher
from publisher.service import scheduler

logger = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, publisher: Publisher, *, interval_s: float, batch_size: int) -> None:
        self._publisher = publisher
        self._batch_size = batch_size
        self.loop = BackgroundLoop("publisher-scheduler", self.run_once, interval_s=interval_s)

    @property
    def passes(self) -> int:
        """Finished passes: lets a test (or a probe) see the loop is alive."""
        return self.loop.passes

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
        return published
