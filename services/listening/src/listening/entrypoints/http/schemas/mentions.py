"""Response and request bodies of the mentions API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from listening.domain.mentions import Mention, SentimentLabel
from listening.service.ports import HourCount


class MentionOut(BaseModel):
    id: str
    source_kind: str
    source_url: str
    text: str
    url: str | None
    author: str | None
    language: str | None
    query_ids: list[str]
    matched_terms: list[str]
    sentiment_score: float
    sentiment_label: SentimentLabel
    detected_at: datetime
    published_at: datetime | None
    release_id: str | None
    handled: bool
    assignee: str | None

    @classmethod
    def of(cls, mention: Mention) -> MentionOut:
        return cls(
            id=mention.id,
            source_kind=mention.source_kind,
            source_url=mention.source_url,
            text=mention.text,
            url=mention.url,
            author=mention.author,
            language=mention.language,
            query_ids=list(mention.query_ids),
            matched_terms=list(mention.matched_terms),
            sentiment_score=mention.sentiment.score,
            sentiment_label=mention.sentiment.label,
            detected_at=mention.detected_at,
            published_at=mention.published_at,
            release_id=mention.release_id,
            handled=mention.handled,
            assignee=mention.assignee,
        )


class MentionTriage(BaseModel):
    """What the staff did: ``handled``, and who has it (``assignee``; null takes it back)."""

    model_config = ConfigDict(extra="forbid")

    handled: bool | None = None
    assignee: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"\S")


class HourCountOut(BaseModel):
    hour: datetime = Field(description="Start of the hour (UTC)")
    sentiment: SentimentLabel
    count: int

    @classmethod
    def of(cls, row: HourCount) -> HourCountOut:
        return cls(hour=row.hour, sentiment=row.sentiment, count=row.count)


class HourCounts(BaseModel):
    items: list[HourCountOut] = Field(description="One row per hour and sentiment with mentions")
