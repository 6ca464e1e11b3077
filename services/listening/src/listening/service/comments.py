"""Moderation of our own comments reaching their mentions: a comment marked spam, rejected or
hidden takes its mention out of the inbox (marked, not deleted; see ``Mention.moderated``),
and one approved again brings it back."""

from __future__ import annotations

from listening.domain.comments import KnownComment, moderation_mark
from listening.service.ports import UnitOfWork
from newsroom_shared.events.comments import CommentModerated

COMMENT_PREFIX = "comment:"


def comment_post_key(comment_id: str) -> str:
    """The post key a comment travels under (:func:`listening.service.intake.comment_to_post`)."""
    return COMMENT_PREFIX + comment_id


def comment_id_of(post_key: str) -> str:
    return post_key.removeprefix(COMMENT_PREFIX)


async def apply_moderation(uow: UnitOfWork, event: CommentModerated) -> int:
    """Records the decision and marks the comment's mention; returns how many were marked.
    A mention not stored yet (its post still on the way) is marked when it is: the pipeline
    reads the recorded status."""
    known = KnownComment(event.tenant_id, event.comment_id, event.release_id, event.decision)
    await uow.comments.moderated(known)
    return await uow.mentions.mark_moderated(
        event.tenant_id, comment_post_key(event.comment_id), moderation_mark(event.decision)
    )
