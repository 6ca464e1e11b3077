"""A mention: a post that matched one or more of a tenant's queries, scored, and what the
staff did about it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

SentimentLabel = Literal["positive", "neutral", "negative"]
AnswerKind = Literal["release", "comment"]
Withdrawal = Literal["edited", "deleted"]
EXCERPT_CHARS = 280


@dataclass(frozen=True, slots=True)
class Sentiment:
    score: float
    """From -1 (most negative) to 1 (most positive)."""
    label: SentimentLabel


def label_of(score: float, *, threshold: float = 0.05) -> SentimentLabel:
    """VADER's own convention: compound >= 0.05 positive, <= -0.05 negative."""
    if score >= threshold:
        return "positive"
    if score <= -threshold:
        return "negative"
    return "neutral"


@dataclass(frozen=True, slots=True)
class AnsweredBy:
    """The tenant's release or comment (an official reply, say) that answered the mention."""

    kind: AnswerKind
    id: str
    linked_at: datetime


@dataclass(frozen=True, slots=True)
class Mention:
    id: str
    tenant_id: str
    post_key: str
    dedupe_key: str
    """The canonical URL's digest, or the post key when the post has no URL: one mention each."""
    signature: tuple[int, ...]
    """MinHash of the text (:mod:`listening.domain.dedupe`): finds near copies."""
    source_kind: str
    source_url: str
    text: str
    url: str | None
    author: str | None
    language: str | None
    query_ids: tuple[str, ...]
    matched_terms: tuple[str, ...]
    sentiment: Sentiment
    detected_at: datetime
    published_at: datetime | None
    release_id: str | None = None
    handled: bool = False
    assignee: str | None = None
    answered_by: AnsweredBy | None = None
    moderated: str | None = None
    """For a comment: the moderation decision (spam, rejected, hidden) that took it out of the
    inbox; None while the comment is visible. Marked, not deleted: a decision can be undone
    (approved later), and spike samples and counts keep pointing at a mention that exists."""
    edited_at: datetime | None = None
    """When the source last changed the post (None: as first seen). An edit not newer than
    this changes nothing: a redelivered or late one is stale."""
    source_item: str | None = None
    """The source's own id of the post (a Mastodon status on the instance it was heard from),
    when a deletion can name it by that alone."""
    withdrawn: Withdrawal | None = None
    """The post changed at its source so that it is no mention any more: ``edited`` (its new
    text matches none of the tenant's queries; a later edit may bring it back) or ``deleted``.
    Marked, not deleted, for the reasons ``moderated`` is."""

    @property
    def counted(self) -> bool:
        """Whether it counts towards its queries' spike watch and shows in the inbox."""
        return self.moderated is None and self.withdrawn is None

    def is_stale(self, edited_at: datetime | None) -> bool:
        """Whether a version of the post from ``edited_at`` is no newer than this one."""
        if edited_at is None:
            return True
        return self.edited_at is not None and edited_at <= self.edited_at

    @property
    def excerpt(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"

    def triaged(self, *, handled: bool | None, assignee: str | None, unassign: bool) -> Mention:
        return replace(
            self,
            handled=self.handled if handled is None else handled,
            assignee=None if unassign else (assignee or self.assignee),
        )

    def answered(self, answer: AnsweredBy | None) -> Mention:
        """Linked to what answered it (None: unlinked)."""
        return replace(self, answered_by=answer)
