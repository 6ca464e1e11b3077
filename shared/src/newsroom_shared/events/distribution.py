"""Events produced by the distribution service: the outcome of delivering a release somewhere."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from newsroom_shared.events.base import Event

ChannelKind = Literal["mastodon", "bluesky", "x", "linkedin", "facebook", "webhook", "email"]


class DeliveryOutcome(Event):
    """What every delivery event says; keyed by release, so a release's deliveries stay in order."""

    aggregate_field: ClassVar[str] = "release_id"

    delivery_id: str = Field(
        description="One delivery of one release version to one recipient of one channel"
    )
    release_id: str
    channel_kind: ChannelKind
    channel_id: str = Field(description="The tenant's configured channel (account, list, hook)")
    recipient: str = Field(
        description=(
            "Who received it: the account for social networks, the endpoint's origin for "
            "webhooks, and for email a keyed SHA-256 (hex) of the address, never the address"
        )
    )
    attempts: int = Field(ge=1, description="Attempts made, this one included")
    about: Literal["release", "alert"] = Field(
        default="release",
        description="What was delivered: a release, or an alert to the tenant's staff (a "
        "MentionSpike; then release_id is the alert's id)",
    )


class DeliverySucceeded(DeliveryOutcome):
    """The far side accepted the release (a post, an email handed to the mail server, a 2xx)."""

    topic: ClassVar[str] = "newsroom.delivery.succeeded.v1"
    ce_type: ClassVar[str] = "io.newsroom.delivery.succeeded.v1"

    remote_id: str | None = Field(
        default=None, description="The far side's id of what we created (post id, message id)"
    )
    remote_url: str | None = Field(default=None, description="Public link to the post, if any")
    delivered_at: datetime


class DeliveryFailed(DeliveryOutcome):
    """Distribution gave up on a delivery; nothing more happens unless someone retries it."""

    topic: ClassVar[str] = "newsroom.delivery.failed.v1"
    ce_type: ClassVar[str] = "io.newsroom.delivery.failed.v1"

    error: str = Field(description="What went wrong, for people; contains no credentials")
    permanent: bool = Field(
        description=(
            "True when retrying cannot help (content refused, credentials revoked); false when "
            "retries on transient errors ran out and a later manual retry may succeed"
        )
    )
    failed_at: datetime
