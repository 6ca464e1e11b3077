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

from listening.domain.mentions import Mention
from listening.domain.queries import ListeningQuery
from listening.domain.spikes import RecentMention, assess
from listening.service.events import mention_spike
from listening.service.ports import UnitOfWork


async def watch_for_spikes(
    uow: UnitOfWork, mention: Mention, queries: Iterable[ListeningQuery]
) -> None:
    now = mention.detected_at
    counted = RecentMention(mention.id, now, negative=mention.sentiment.label == "negative")
    for query in queries:
        activity = await uow.query_activity.record(query.tenant_id, query.id, counted)
        verdict = assess(activity, now, watched_since=query.created_at)
        if verdict.changed(activity):
            await uow.query_activity.settle(
                query.tenant_id, query.id, episode=verdict.episode, stale_hours=verdict.stale_hours
            )
        if verdict.spike is not None:
            uow.emit(mention_spike(query, verdict.spike, now))
