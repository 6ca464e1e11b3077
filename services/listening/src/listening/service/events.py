"""The events listening emits, built from domain objects."""

from __future__ import annotations

from datetime import datetime

from listening.domain.mentions import Mention
from listening.domain.queries import ListeningQuery
from listening.domain.spikes import Spike
from newsroom_shared.events.listening import (
    MentionDetected,
    MentionSpike,
    MentionUpdated,
    SourceKind,
)


def mention_detected(mention: Mention) -> MentionDetected:
    source_kind: SourceKind = mention.source_kind  # type: ignore[assignment]
    return MentionDetected(
        tenant_id=mention.tenant_id,
        mention_id=mention.id,
        source_kind=source_kind,
        source_url=mention.source_url,
        author=mention.author,
        excerpt=mention.excerpt,
        url=mention.url,
        language=mention.language,
        query_ids=list(mention.query_ids),
        matched_terms=list(mention.matched_terms),
        sentiment_score=mention.sentiment.score,
        sentiment_label=mention.sentiment.label,
        detected_at=mention.detected_at,
        published_at=mention.published_at,
        release_id=mention.release_id,
    )


def mention_updated(before: Mention, after: Mention, now: datetime) -> MentionUpdated | None:
    """What changed for a reader of the events; None when nothing they see did (a status
    edited only in its media, say)."""
    old_queries, new_queries = set(before.query_ids), set(after.query_ids)
    event = MentionUpdated(
        tenant_id=after.tenant_id,
        mention_id=after.id,
        excerpt=after.excerpt,
        language=after.language,
        query_ids=list(after.query_ids),
        added_query_ids=sorted(new_queries - old_queries),
        removed_query_ids=sorted(old_queries - new_queries),
        matched_terms=list(after.matched_terms),
        sentiment_score=after.sentiment.score,
        sentiment_label=after.sentiment.label,
        withdrawn=after.withdrawn,
        edited_at=after.edited_at,
        updated_at=now,
    )
    unchanged = (
        before.text == after.text
        and before.language == after.language
        and old_queries == new_queries
        and before.sentiment == after.sentiment
        and before.withdrawn == after.withdrawn
    )
    return None if unchanged else event


def mention_spike(query: ListeningQuery, spike: Spike, now: datetime) -> MentionSpike:
    stats = spike.stats
    return MentionSpike(
        tenant_id=query.tenant_id,
        query_id=query.id,
        query_name=query.name,
        window_start=stats.start,
        window_end=stats.end,
        count=round(stats.count),
        baseline=stats.expected,
        ratio=stats.ratio,
        negative_share=stats.negative_share,
        sample_mention_ids=list(spike.sample_mention_ids),
        detected_at=now,
        window=stats.window.name,
        trigger=spike.trigger,
        baseline_negative_share=stats.baseline_share,
    )
