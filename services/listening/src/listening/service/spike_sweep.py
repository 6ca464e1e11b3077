"""Closing spike episodes on time: an episode is judged when a mention of its query is stored
(:mod:`listening.service.spikes`), so one whose talk calmed with no further mention would stay
open until the next. A periodic sweep, in one replica at a time (the wiring holds a lease),
closes every open episode whose windows fell below the end bounds.

Each query is judged in a transaction of its own that reads its activity afresh: a mention
stored meanwhile either committed before (and is seen) or writes the same document (a write
conflict: the sweep's attempt is run again), so an episode a new burst keeps open is never
closed. Closing emits nothing (calming down raises no spike); the buckets no window reaches
any more are pruned on the way, as a mention's assessment does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from listening.domain.spikes import calmed, stale_hours
from listening.service.ports import UnitOfWork
from listening.service.transactions import atomically

SWEEP_BATCH = 1000
"""Open episodes looked at per pass at most, oldest first (the next pass takes the rest)."""


async def close_calmed_episodes(
    reader: Callable[[], UnitOfWork], uow: Callable[[], UnitOfWork], now: datetime
) -> int:
    """One pass; answers how many episodes it closed."""
    async with reader() as read:
        open_now = await read.query_activity.with_open_episode(limit=SWEEP_BATCH)
    closed = 0
    for tenant_id, query_id in open_now:
        unit = uow()
        if await atomically(unit, partial(_close_if_calmed, unit, tenant_id, query_id, now)):
            closed += 1
    return closed


async def _close_if_calmed(uow: UnitOfWork, tenant_id: str, query_id: str, now: datetime) -> bool:
    query = await uow.queries.get(tenant_id, query_id)
    activity = await uow.query_activity.get(tenant_id, query_id)
    if query is None or activity is None:
        return False  # deleted meanwhile, its activity with it
    if not calmed(activity, now, watched_since=query.created_at, rule=query.spike_rule):
        return False
    await uow.query_activity.settle(
        tenant_id, query_id, episode=None, stale_hours=stale_hours(activity, now)
    )
    return True
