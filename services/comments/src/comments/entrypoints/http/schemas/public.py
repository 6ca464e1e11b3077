"""Bodies of the visitors' API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from comments.domain.comment import Comment, Reaction
from comments.domain.threads import Node
from comments.entrypoints.http.schemas.common import AuthorName, Email, Model, ObjectId, Text


class CommentIn(Model):
    author_name: AuthorName
    email: Email
    text: Text
    parent_id: ObjectId | None = Field(
        default=None, description="The comment this one answers; null for a top-level comment"
    )
    website: Annotated[str, Field(max_length=500)] = Field(
        default="",
        description="Leave empty. A field people do not see (the widget hides it) and bots "
        "fill in: a comment with it filled is kept as spam",
    )


class EditIn(Model):
    text: Text


class ReactionIn(Model):
    kind: Reaction


class ReportIn(Model):
    reason: Annotated[str, Field(max_length=500)] = Field(
        default="", description="What is wrong with it, in the reader's words"
    )


class CommentOut(BaseModel):
    """A comment as readers see it; ``body_html`` is the sanitised safe subset."""

    id: str
    parent_id: str | None
    depth: int
    author_name: str
    body_html: str
    is_official_reply: bool = Field(
        description="Written by the company's staff: show it as the company's voice"
    )
    reactions: dict[str, int]
    posted_at: datetime
    edited_at: datetime | None
    replies: list[CommentOut] = Field(
        default_factory=list,
        description="Replies under it: official replies first (pinned), then oldest first",
    )

    @classmethod
    def of(cls, comment: Comment, replies: list[CommentOut] | None = None) -> CommentOut:
        return cls(
            id=comment.id,
            parent_id=comment.place.parent_id,
            depth=comment.place.depth,
            author_name=comment.author_name,
            body_html=comment.body.html,
            is_official_reply=comment.is_official_reply,
            reactions=dict(comment.reactions),
            posted_at=comment.posted_at,
            edited_at=comment.edited_at,
            replies=replies or [],
        )

    @classmethod
    def tree(cls, node: Node) -> CommentOut:
        return cls.of(node.comment, [cls.tree(child) for child in node.replies])


class ThreadOut(BaseModel):
    items: list[CommentOut] = Field(description="Top-level comments, each with its replies")
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last page"
    )


class PostedOut(BaseModel):
    id: str
    status: str = Field(
        description="approved (shown now), pending (waits for a moderator, or for its author "
        "to verify the address: `awaiting_verification`) or spam"
    )
    hold_reasons: list[str] = Field(description="Why it waits for a moderator, when it does")
    awaiting_verification: bool = Field(
        default=False,
        description="The newsroom verifies addresses: the comment shows only once its author "
        "followed the link mailed to them",
    )
    author_token: str = Field(
        description="Edits or deletes this comment until `editable_until` (header "
        "`X-Author-Token`). Meant for the page that posted it, for that session (the widget "
        "keeps it in the frame's memory only); the author also gets it by email, as the "
        "link to a page where they can change or delete the comment"
    )
    editable_until: datetime
    comment: CommentOut


class AfterEditOut(BaseModel):
    id: str
    status: str
    hold_reasons: list[str]
    comment: CommentOut


class CountOut(BaseModel):
    release_id: str
    visible: int = Field(description="Comments shown on the release, replies included")
    open: bool = Field(description="Whether the release takes new comments now")
