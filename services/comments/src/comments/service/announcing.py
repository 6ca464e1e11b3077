"""A comment becomes known: readers may see it, or moderators judge it (at posting, or once
its author verified it where the newsroom asks for that)."""

from __future__ import annotations

from comments.domain.comment import Comment, Status
from comments.domain.ids import new_id
from comments.domain.moderation import AuditEntry
from comments.service import events
from comments.service.ports import UnitOfWork


async def announce(uow: UnitOfWork, comment: Comment) -> None:
    """The filter's decision in the audit log, and ``CommentPosted``."""
    entry = filter_entry(comment)
    if entry is not None:
        await uow.audit.add(entry)
    uow.emit(events.comment_posted(comment))


def filter_entry(comment: Comment) -> AuditEntry | None:
    """The filter's decision for the audit log (a comment simply let through is not one)."""
    if not comment.hold_reasons or comment.hold_reasons == ("moderation_mode",):
        return None
    return AuditEntry(
        id=new_id(),
        tenant_id=comment.tenant_id,
        action="held" if comment.status is Status.pending else comment.status.value,
        at=comment.posted_at,
        actor=None,
        reason=", ".join(comment.hold_reasons),
        comment_id=comment.id,
        release_id=comment.release_id,
    )
