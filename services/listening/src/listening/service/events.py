"""The events listening emits, built from domain objects."""

from __future__ import annotations

from listening.domain.mentions import Mention
from newsroom_shared.events.listening import MentionDetected, SourceKind


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
