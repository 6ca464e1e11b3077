"""The events this service emits, made from domain objects (the contracts are shared's)."""

from __future__ import annotations

from datetime import datetime

from comments.domain.comment import Comment
from comments.domain.moderation import Decision
from newsroom_shared.events.comments import CommentEdited, CommentModerated, CommentPosted


def comment_posted(comment: Comment) -> CommentPosted:
    return CommentPosted(
        tenant_id=comment.tenant_id,
        comment_id=comment.id,
        release_id=comment.release_id,
        newsroom_id=comment.newsroom_id,
        parent_id=comment.place.parent_id,
        author_name=comment.author_name,
        author_email_hash=comment.email_hash,
        body_text=comment.body.text,
        is_official_reply=comment.is_official_reply,
        posted_at=comment.posted_at,
        status=comment.status.value,
    )


def comment_edited(comment: Comment, at: datetime) -> CommentEdited:
    return CommentEdited(
        tenant_id=comment.tenant_id,
        comment_id=comment.id,
        release_id=comment.release_id,
        newsroom_id=comment.newsroom_id,
        body_text=comment.body.text,
        status=comment.status.value,
        edited_at=at,
    )


def comment_moderated(
    comment: Comment, decision: Decision, moderator_key_id: str | None, reason: str, at: datetime
) -> CommentModerated:
    return CommentModerated(
        tenant_id=comment.tenant_id,
        comment_id=comment.id,
        release_id=comment.release_id,
        decision=decision.value,
        moderator_key_id=moderator_key_id,
        reason=reason,
        moderated_at=at,
    )
