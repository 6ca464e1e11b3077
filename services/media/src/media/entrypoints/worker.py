"""The rendition worker: a background loop that claims uploaded items and renders them, as many
at a time as the process pool has processes."""

from __future__ import annotations

import asyncio

from media.bootstrap import Media
from media.service.processing import process_next
from newsroom_shared.background import BackgroundLoop


class RenditionWorker:
    def __init__(self, media: Media, *, interval_s: float, lease_s: float, parallel: int) -> None:
        self._media = media
        self._lease_s = lease_s
        self._parallel = parallel
        self.loop = BackgroundLoop("media.renditions", self.step, interval_s=interval_s)
        media.doorbell.attach(self.loop)

    async def step(self) -> int:
        """One pass: up to ``parallel`` items at once; how many were handled."""
        outcomes = await asyncio.gather(
            *(self._one() for _ in range(self._parallel)), return_exceptions=True
        )
        for outcome in outcomes:  # all finished first: none is left running on its own
            if isinstance(outcome, BaseException):
                raise outcome
        return sum(o for o in outcomes if isinstance(o, int))

    async def _one(self) -> int:
        media = self._media
        found = await process_next(
            media.uow(),
            media.reader(),
            media.deps,
            media.renderer,
            instance=media.runtime.instance,
            lease_s=self._lease_s,
        )
        return int(found)
