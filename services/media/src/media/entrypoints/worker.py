"""The rendition worker: a background loop that claims uploaded items and renders them.

A pass runs ``lanes`` lanes at once, each taking item after item until none is left, so a lane
that finishes does not wait for the others: with one lane more than the pool has processes,
the pool always has the next image queued while a finished one is stored and recorded."""

from __future__ import annotations

import asyncio

from media.bootstrap import Media
from media.service.processing import process_next
from media.service.sweeping import sweep
from newsroom_shared.background import BackgroundLoop

SWEEP_BATCH = 500


class RenditionWorker:
    def __init__(self, media: Media, *, interval_s: float, lease_s: float, lanes: int) -> None:
        self._media = media
        self._lease_s = lease_s
        self._lanes = lanes
        self.loop = BackgroundLoop("media.renditions", self.step, interval_s=interval_s)
        media.doorbell.attach(self.loop)

    async def step(self) -> int:
        """One pass: every claimable item, ``lanes`` at a time; how many were handled."""
        outcomes = await asyncio.gather(
            *(self._lane() for _ in range(self._lanes)), return_exceptions=True
        )
        for outcome in outcomes:  # all finished first: none is left running on its own
            if isinstance(outcome, BaseException):
                raise outcome
        return sum(o for o in outcomes if isinstance(o, int))

    async def _lane(self) -> int:
        handled = 0
        while await self._one():
            handled += 1
        return handled

    async def _one(self) -> int:
        media = self._media
        found = await process_next(
            media.uow(),
            media.reader(),
            media.deps,
            media.renderer,
            instance=media.runtime.instance,
            lease_s=self._lease_s,
            max_attempts=media.settings.render_max_attempts,
        )
        return int(found)


class Sweeper:
    """Deletes stored files their item never recorded (see ``media.service.sweeping``)."""

    def __init__(self, media: Media, *, interval_s: float, after_s: float) -> None:
        self._media = media
        self._after_s = after_s
        self.loop = BackgroundLoop("media.sweeper", self.step, interval_s=interval_s)

    async def step(self) -> int:
        media = self._media
        return await sweep(
            media.reader(), media.deps, older_than_s=self._after_s, limit=SWEEP_BATCH
        )
