"""Rendering processed items again: those made before some of today's renditions existed
(AVIF, the public original) are queued for the worker, which renders them as it renders an
upload (when no upload waits) and emits ``MediaProcessed`` again with the full set; the
renditions they had are deleted once the new ones are recorded.

An operator's command (``media rerender``): idempotent (an item queued, or rendered again
already, is not queued twice) and resumable (it walks the items by id, a batch per
transaction: run it again after an interruption and it queues what is left).
"""

from __future__ import annotations

from functools import partial

from media.domain.item import MediaItem
from media.service.ports import UnitOfWork
from media.service.transactions import retried
from newsroom_shared.clock import Clock

BATCH_SIZE = 100


async def queue_rerenders(
    uow: UnitOfWork, clock: Clock, *, tenant_id: str | None, batch_size: int = BATCH_SIZE
) -> int:
    """Queue the tenant's (None: every tenant's) processed items that lack today's
    renditions; how many were queued."""
    queued, after_id = 0, None
    while True:
        page, count = await retried(
            partial(_queue_batch, uow, clock, tenant_id, after_id, batch_size)
        )
        queued += count
        if len(page) < batch_size:
            return queued
        after_id = page[-1].media_id


async def _queue_batch(
    uow: UnitOfWork, clock: Clock, tenant_id: str | None, after_id: str | None, limit: int
) -> tuple[list[MediaItem], int]:
    async with uow:
        page = await uow.media.processed_after(tenant_id, after_id=after_id, limit=limit)
        due = [item for item in page if item.lacks_current_renditions and not item.rerender]
        now = clock.now()
        for item in due:
            await uow.media.save(item.queued_again(now), expected_version=item.version)
    return page, len(due)
