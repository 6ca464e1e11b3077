"""The moderation API (staff): the queue, one comment, decisions, official replies, the log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from comments.domain.comment import Status
from comments.entrypoints.http.dependencies import CommentsDep, Editor, Viewer, cursor_str
from comments.entrypoints.http.schemas.common import OBJECT_ID_PATTERN, IdPath
from comments.entrypoints.http.schemas.staff import (
    AuditOut,
    DecisionIn,
    OfficialReplyIn,
    StaffCommentOut,
)
from comments.service import moderation, replies
from comments.service.ports import QueueFilter
from newsroom_shared.http.errors import error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, page_of

router = APIRouter(prefix="/v1", tags=["moderation"])
IdQuery = Annotated[str | None, Query(pattern=OBJECT_ID_PATTERN)]


@router.get("/moderation/queue")
async def queue(
    staff: Viewer,
    comments: CommentsDep,
    limit: Limit,
    cursor: Cursor = None,
    newsroom_id: IdQuery = None,
    release_id: IdQuery = None,
    status: Status | None = None,
    reason: Annotated[
        str | None,
        Query(
            max_length=50,
            description="A hold reason: moderation_mode, suspect_word, too_many_links, "
            "duplicate_text, reported",
        ),
    ] = None,
) -> Page[StaffCommentOut]:
    """Comments waiting for a moderator (held or reported), oldest first."""
    where = QueueFilter(newsroom_id, release_id, status, reason)
    rows = await moderation.queue(
        comments.reader(), staff.tenant_id, where, cursor_str(cursor, "id"), limit + 1
    )
    return page_of([StaffCommentOut.of(c) for c in rows], limit, lambda c: {"id": c.id})


@router.get("/comments/{comment_id}", responses=error_responses(404))
async def get_comment(comment_id: IdPath, staff: Viewer, comments: CommentsDep) -> StaffCommentOut:
    """One comment of your tenant, with its moderation state."""
    found = await moderation.get_comment(comments.reader(), staff.tenant_id, comment_id)
    return StaffCommentOut.of(found)


@router.post("/comments/{comment_id}/decisions", responses=error_responses(404, 409))
async def decide(
    comment_id: IdPath, body: DecisionIn, staff: Editor, comments: CommentsDep
) -> StaffCommentOut:
    """Approve, reject (with a reason), mark as spam, or hide a comment; logged and emitted."""
    decided = await moderation.decide(
        comments.uow(), comments.deps, staff, comment_id, body.decision, body.reason
    )
    return StaffCommentOut.of(decided)


@router.post(
    "/comments/{comment_id}/official-replies",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(404),
)
async def official_reply(
    comment_id: IdPath, body: OfficialReplyIn, staff: Editor, comments: CommentsDep
) -> StaffCommentOut:
    """Answer a comment in the company's name: shown at once, pinned under it."""
    reply = await replies.official_reply(
        comments.uow(), comments.deps, staff, comment_id, body.author_name, body.text
    )
    return StaffCommentOut.of(reply)


@router.get("/moderation/log")
async def audit_log(
    staff: Viewer,
    comments: CommentsDep,
    limit: Limit,
    cursor: Cursor = None,
    comment_id: IdQuery = None,
) -> Page[AuditOut]:
    """Every decision, newest first: moderators', the filter's, authors' deletions, reports,
    bans."""
    rows = await moderation.audit_log(
        comments.reader(), staff.tenant_id, comment_id, cursor_str(cursor, "id"), limit + 1
    )
    return page_of([AuditOut.of(e) for e in rows], limit, lambda e: {"id": e.id})
