"""Events produced by the listening service: mentions found in outside sources, and spikes."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from newsroom_shared.events.base import Event

SourceKind = Literal["rss", "atom", "mastodon", "bluesky", "webhook", "comment"]
EVERY_TENANT = "*"
"""The ``tenant_id`` of a post for every tenant (``audience="all"``): no tenant has this id, so a
consumer that predates ``audience`` matches such a post against nobody's queries."""
SentimentLabel = Literal["positive", "neutral", "negative"]


class MentionDetected(Event):
    """A post, article or comment matched one or more of the tenant's listening queries."""

    topic: ClassVar[str] = "newsroom.mention.detected.v1"
    ce_type: ClassVar[str] = "io.newsroom.mention.detected.v1"
    aggregate_field: ClassVar[str] = "mention_id"

    mention_id: str
    source_kind: SourceKind
    source_url: str = Field(
        description="Where it was found: the feed, the account, or the release for comments"
    )
    author: str | None = Field(default=None, description="Author's name or handle, when known")
    excerpt: str = Field(description="Plain-text excerpt around the match")
    url: str | None = Field(default=None, description="Link to the mention itself, when it has one")
    language: str | None = Field(default=None, description="BCP 47 language tag, when known")
    query_ids: list[str] = Field(min_length=1, description="The tenant's queries that matched")
    matched_terms: list[str] = Field(description="The terms found in the text")
    sentiment_score: float = Field(
        ge=-1.0, le=1.0, description="From -1 (most negative) to 1 (most positive)"
    )
    sentiment_label: SentimentLabel
    detected_at: datetime
    published_at: datetime | None = Field(
        default=None, description="When the source published it, when the source says"
    )
    release_id: str | None = Field(
        default=None,
        description="The tenant's release the mention is about, when it names one (a comment on "
        "it, or a link to it); null otherwise",
    )


class MentionUpdated(Event):
    """A mention already announced by ``MentionDetected`` changed because its post changed at
    the source (an edited comment or Mastodon status, a deleted status): its text was matched
    and scored again. Sent once per change; ``MentionDetected`` stays once per mention."""

    topic: ClassVar[str] = "newsroom.mention.updated.v1"
    ce_type: ClassVar[str] = "io.newsroom.mention.updated.v1"
    aggregate_field: ClassVar[str] = "mention_id"  # in order with its MentionDetected's key

    mention_id: str
    excerpt: str = Field(description="Plain-text excerpt of the new text")
    language: str | None = Field(default=None, description="BCP 47 language tag, when known")
    query_ids: list[str] = Field(
        description="The tenant's queries the mention matches now: empty when an edit left it "
        "matching none, those it matched last when its post was deleted"
    )
    added_query_ids: list[str] = Field(
        default_factory=list, description="Queries it matches now and did not before"
    )
    removed_query_ids: list[str] = Field(
        default_factory=list, description="Queries it matched before and does not any more"
    )
    matched_terms: list[str] = Field(description="The terms found in the new text")
    sentiment_score: float = Field(ge=-1.0, le=1.0)
    sentiment_label: SentimentLabel
    withdrawn: Literal["edited", "deleted"] | None = Field(
        default=None,
        description="edited: the new text matches none of the tenant's queries; deleted: the "
        "source deleted the post. A withdrawn mention leaves the inbox and the counts; null "
        "while it stands",
    )
    edited_at: datetime | None = Field(
        default=None, description="When the source says the post was changed, when it says"
    )
    updated_at: datetime


class MentionSpike(Event):
    """Mentions for one query rose far above their usual rate; distribution alerts the staff."""

    topic: ClassVar[str] = "newsroom.mention.spiked.v1"
    ce_type: ClassVar[str] = "io.newsroom.mention.spiked.v1"
    aggregate_field: ClassVar[str] = "query_id"

    query_id: str = Field(description="The tenant's listening query that spiked")
    query_name: str = Field(description="The query's name, for the alert text")
    window_start: datetime
    window_end: datetime
    count: int = Field(ge=0, description="Mentions in the window")
    baseline: float = Field(ge=0.0, description="Mentions expected in a window this long")
    ratio: float = Field(
        ge=0.0, description="count / baseline, with a baseline below 1 counted as 1"
    )
    negative_share: float = Field(
        ge=0.0, le=1.0, description="Share of the window's mentions labelled negative"
    )
    sample_mention_ids: list[str] = Field(
        default_factory=list, description="A few mentions of the window, most relevant first"
    )
    detected_at: datetime
    window: Literal["hour", "day"] | None = Field(
        default=None,
        description="Which comparison spiked: the last hour against the previous 12 hours, or "
        "the last day against the previous 14 days",
    )
    trigger: Literal["volume", "negative_share"] | None = Field(
        default=None,
        description="What rose: the number of mentions, or the share of negative ones",
    )
    baseline_negative_share: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Share of negative mentions in the baseline"
    )


class PostFetched(Event):
    """A post, article or comment a source brought in, on its way to matching. INTERNAL topic
    (docs/events.md): fetchers produce it, listening's matchers consume it, so the two scale
    apart; keyed by ``post_key`` (the canonical URL's digest, or the source's own id), so copies
    of one post meet on one partition and matching scales with the partition count."""

    topic: ClassVar[str] = "newsroom.post.fetched.v1"
    ce_type: ClassVar[str] = "io.newsroom.post.fetched.v1"
    aggregate_field: ClassVar[str] = "post_key"

    post_key: str = Field(min_length=1, description="Stable id of the post within its tenant")
    source_kind: SourceKind
    source_url: str = Field(description="The feed, account, webhook source or release it came from")
    text: str = Field(min_length=1, description="The post's plain text (title and body)")
    url: str | None = Field(default=None, description="Link to the post itself, when it has one")
    author: str | None = None
    language: str | None = Field(default=None, description="As the source says, when it does")
    published_at: datetime | None = None
    fetched_at: datetime
    release_id: str | None = Field(
        default=None, description="The tenant's release it is about, when the source knows"
    )
    audience: Literal["tenant", "all"] = Field(
        default="tenant",
        description="tenant: the post came from a source of tenant_id and is matched against "
        "that tenant's queries only. all: it came from a source shared by every tenant (the "
        'Bluesky firehose), tenant_id is "*", and it is matched against every tenant\'s '
        "queries at once: each tenant whose query matches gets a mention of its own",
    )
    edited_at: datetime | None = Field(
        default=None,
        description="Set when this is a new version of a post sent before (the source reported "
        "an edit): its stored mention is matched and scored again with this text; a version not "
        "newer than the stored one changes nothing. Null for a post as first seen",
    )
    source_item: str | None = Field(
        default=None,
        description="The source's own id of the item where it was heard, when the source can "
        "later announce its deletion by that id alone (a Mastodon status: "
        '"<instance origin>/statuses/<id>"); null otherwise',
    )
