"""Events produced by the comments service: visitor comments on releases and their moderation."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from newsroom_shared.events.base import Event

# One vocabulary for a comment's state, so a consumer can keep "the current status" from either
# event. A new comment is pending (pre-moderation), approved (shown at once) or spam (caught by the
# filter); moderation may then move it to any of these.
CommentStatus = Literal["pending", "approved", "rejected", "spam", "hidden"]
ModerationDecision = Literal["approved", "rejected", "spam", "hidden"]

# Lower-case hex of a SHA-256 digest: the form of every hashed personal datum in our events.
SHA256_HEX = r"^[0-9a-f]{64}$"


class CommentPosted(Event):
    """A visitor or a staff member commented on a published release."""

    topic: ClassVar[str] = "newsroom.comment.posted.v1"
    ce_type: ClassVar[str] = "io.newsroom.comment.posted.v1"
    aggregate_field: ClassVar[str] = "comment_id"

    comment_id: str
    release_id: str = Field(description="The release commented on")
    newsroom_id: str = Field(description="The newsroom the release belongs to")
    parent_id: str | None = Field(
        default=None, description="The comment this one answers; null for a top-level comment"
    )
    author_name: str = Field(min_length=1, description="Display name the author gave")
    author_email_hash: str | None = Field(
        default=None,
        pattern=SHA256_HEX,
        description=(
            "Keyed SHA-256 (hex) of the author's trimmed, lower-cased email, stable within the "
            "tenant so repeat authors can be recognised; null when no email was given. The raw "
            "address never leaves the comments service."
        ),
    )
    body_text: str = Field(
        min_length=1, description="The comment as sanitised plain text (no markup)"
    )
    language: str | None = Field(
        default=None, description="BCP 47 language tag, when known or detected"
    )
    is_official_reply: bool = Field(
        default=False, description="Written by the tenant's staff on behalf of the company"
    )
    posted_at: datetime
    status: CommentStatus = Field(
        description="Status at posting: pending (awaits moderation), approved (visible) or spam"
    )


class CommentEdited(Event):
    """The author changed a comment's text within the edit window; consumers that keep or score
    a comment's text replace it. The newsroom's rules ran again on the new text, so the status
    may have changed (an approved comment held for a moderator is pending, no longer shown)."""

    topic: ClassVar[str] = "newsroom.comment.edited.v1"
    ce_type: ClassVar[str] = "io.newsroom.comment.edited.v1"
    aggregate_field: ClassVar[str] = "comment_id"  # in order with the comment's other events

    comment_id: str
    release_id: str = Field(description="The release the comment belongs to")
    newsroom_id: str = Field(description="The newsroom the release belongs to")
    body_text: str = Field(
        min_length=1, description="The new text, as sanitised plain text (no markup)"
    )
    status: CommentStatus = Field(
        description="Status after the edit: approved (visible) or pending (awaits moderation)"
    )
    edited_at: datetime


class CommentModerated(Event):
    """A moderator or the automatic filter decided on a comment; consumers update what they show."""

    topic: ClassVar[str] = "newsroom.comment.moderated.v1"
    ce_type: ClassVar[str] = "io.newsroom.comment.moderated.v1"
    aggregate_field: ClassVar[str] = "comment_id"

    comment_id: str
    release_id: str = Field(description="The release the comment belongs to")
    decision: ModerationDecision = Field(description="The comment's status from now on")
    moderator_key_id: str | None = Field(
        default=None,
        description="Id of the staff API key that decided; null when the automatic filter did",
    )
    reason: str = Field(default="", description="Why, in the moderator's words; may be empty")
    moderated_at: datetime
