"""Response and request bodies of the mentions API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from listening.domain.mentions import AnsweredBy, AnswerKind, Mention, SentimentLabel, Withdrawal
from listening.service.ports import HourCount


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AnswerKind = Field(description="A release of yours, or a comment on one")
    id: str = Field(min_length=1, max_length=100, pattern=r"^\S+$")


class AnswerOut(BaseModel):
    kind: AnswerKind
    id: str
    linked_at: datetime

    @classmethod
    def of(cls, answer: AnsweredBy | None) -> AnswerOut | None:
        if answer is None:
            return None
        return cls(kind=answer.kind, id=answer.id, linked_at=answer.linked_at)


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
    answered_by: AnswerOut | None = Field(description="The release or comment that answered it")
    taken_down: str | None = Field(
        description="For a comment: the moderation decision that took it out of the inbox "
        "(spam, rejected, hidden); null while it is visible"
    )
    withdrawn: Withdrawal | None = Field(
        default=None,
        description="The post changed at its source so that it is no mention any more: edited "
        "(its new text matches none of the queries; a later edit may bring it back) or deleted; "
        "out of the inbox and the counts like a taken-down one. Null while it stands",
    )
    edited_at: datetime | None = Field(
        default=None, description="When the source last changed the post; null: as first seen"
    )

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
            answered_by=AnswerOut.of(mention.answered_by),
            taken_down=mention.moderated,
            withdrawn=mention.withdrawn,
            edited_at=mention.edited_at,
        )


class MentionTriage(BaseModel):
    """What the staff did: ``handled``, who has it (``assignee``; null takes it back), and what
    answered it (``answered_by``; null unlinks)."""

    model_config = ConfigDict(extra="forbid")

    handled: bool | None = None
    assignee: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"\S")
    answered_by: AnswerIn | None = Field(
        default=None,
        description="A release of yours (as published) or a comment on one that listening has "
        "heard of; 422 otherwise",
    )


class HourCountOut(BaseModel):
    hour: datetime = Field(description="Start of the hour (UTC)")
    sentiment: SentimentLabel
    count: int

    @classmethod
    def of(cls, row: HourCount) -> HourCountOut:
        return cls(hour=row.hour, sentiment=row.sentiment, count=row.count)


class HourCounts(BaseModel):
    items: list[HourCountOut] = Field(description="One row per hour and sentiment with mentions")
