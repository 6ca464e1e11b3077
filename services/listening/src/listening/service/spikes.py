"""Spike watch: each stored mention counts towards its queries' activity, which is assessed at
once (:mod:`listening.domain.spikes`); a new episode emits ``MentionSpike`` through the outbox.

It runs in the transaction that stores the mention (the consumer's inbox transaction), so a
redelivered post counts nothing twice and a spike is emitted exactly when its episode is
stored. Cost per (mention, query): one command that counts and reads back the query's
activity document; a second only when the episode opens or closes, or an hour fell out of
every window (about once an hour for a busy query).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from listening.domain.mentions import Mention
from listening.domain.queries import ListeningQuery
from listening.domain.spikes import RecentMention, assess
from listening.service.events import mention_spike
from listening.service.ports import UnitOfWork


async def watch_for_spikes(
    uow: UnitOfWork, mention: Mention, queries: Iterable[ListeningQuery]
) -> None:
    for query in queries:
        await _count(uow, query, counted_as(mention), mention.detected_at)


async def recount(
    uow: UnitOfWork,
    before: Mention,
    after: Mention,
    queries: Iterable[ListeningQuery],
    now: datetime,
) -> None:
    """A stored mention changed (its post was edited or deleted at the source): it leaves the
    activity of each query it counted for and no longer does, or does differently (its
    sentiment changed), and joins, assessed at ``now``, that of each query of ``queries``
    (those it matches now) it counts for afresh. It keeps its hour: the talk happened then."""
    was = {query_id: counted_as(before) for query_id in before.query_ids} if before.counted else {}
    now_counted = {query.id: query for query in queries} if after.counted else {}
    entry = counted_as(after)
    for query_id, old in was.items():
        if query_id not in now_counted or old != entry:
            await uow.query_activity.uncount(before.tenant_id, query_id, old)
    for query_id, query in now_counted.items():
        if was.get(query_id) != entry:
            await _count(uow, query, entry, now)


def counted_as(mention: Mention) -> RecentMention:
    return RecentMention(mention.id, mention.detected_at, mention.sentiment.label == "negative")


async def _count(
    uow: UnitOfWork, query: ListeningQuery, entry: RecentMention, now: datetime
) -> None:
    activity = await uow.query_activity.record(query.tenant_id, query.id, entry)
    verdict = assess(activity, now, watched_since=query.created_at, rule=query.spike_rule)
    if verdict.changed(activity):
        await uow.query_activity.settle(
            query.tenant_id, query.id, episode=verdict.episode, stale_hours=verdict.stale_hours
        )
    if verdict.spike is not None:
        uow.emit(mention_spike(query, verdict.spike, now))
