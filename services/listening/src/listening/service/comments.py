"""Moderation of our own comments reaching their mentions: a comment marked spam, rejected or
hidden takes its mention out of the inbox (marked, not deleted; see ``Mention.moderated``),
and one approved again brings it back."""

from __future__ import annotations

from dataclasses import replace

from listening.domain.comments import KnownComment, moderation_mark
from listening.domain.mentions import Mention
from listening.service.ports import UnitOfWork
from listening.service.spikes import counted_as
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
    reads the recorded status.

    A mention taken down stops counting towards its queries' spike watch (a spam wave the
    moderators removed is no talk to raise an alarm about); approved again, it counts again.
    A spike already raised stands."""
    known = KnownComment(event.tenant_id, event.comment_id, event.release_id, event.decision)
    await uow.comments.moderated(known)
    post_key, mark = comment_post_key(event.comment_id), moderation_mark(event.decision)
    before = await uow.mentions.of_post(event.tenant_id, post_key)
    marked = await uow.mentions.mark_moderated(event.tenant_id, post_key, mark)
    for mention in before:
        if mention.counted != replace(mention, moderated=mark).counted:  # shown <-> taken down
            await _recount(uow, mention, counted=mark is None)
    return marked


async def _recount(uow: UnitOfWork, mention: Mention, *, counted: bool) -> None:
    entry = counted_as(mention)
    for query_id in mention.query_ids:
        if counted:
            await uow.query_activity.record(mention.tenant_id, query_id, entry)
        else:
            await uow.query_activity.uncount(mention.tenant_id, query_id, entry)
