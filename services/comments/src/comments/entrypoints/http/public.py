"""The visitors' API (no key; rate limited per client): a release's thread and count, posting
and replying, the author's edit and delete, reactions and reports.

A release is named by its id (as in its public URL); one that is not published, or was
withdrawn, answers 404. Writes have a tighter per-client limit than reads, and posting also a
per-email limit; both hold across replicas (``newsroom_shared.http.ratelimit``).
"""

# No "from __future__ import annotations": FastAPI reads the closures' annotations.
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from comments.config import CommentsSettings
from comments.domain.comment import Comment, Reaction
from comments.entrypoints.http.dependencies import CommentsDep, VisitorDep
from comments.entrypoints.http.schemas.common import IdPath
from comments.entrypoints.http.schemas.public import (
    AfterEditOut,
    CommentIn,
    CommentOut,
    CountOut,
    EditIn,
    PostedOut,
    ReactionIn,
    ReportIn,
    ThreadOut,
)
from comments.entrypoints.http.thread_cache import count_of, thread_of
from comments.service import authoring, posting, reactions, reading
from comments.service.ports import Order, Position
from newsroom_shared.http.errors import BadRequest, error_responses
from newsroom_shared.http.openapi_problems import raises
from newsroom_shared.http.pagination import Cursor, Limit, decode_cursor, encode_cursor
from newsroom_shared.http.ratelimit import rate_limit

AuthorToken = Annotated[
    str,
    Header(
        alias="X-Author-Token",
        min_length=1,
        max_length=1000,
        description="The `author_token` the comment's post answered with",
    ),
]


def public_limits(settings: CommentsSettings) -> tuple[Callable[[Request], Awaitable[None]], ...]:
    """The per-client limits of reads and writes (``create_app`` puts them in the app's state)."""
    return (
        rate_limit(settings.public_rate_per_minute, settings.public_rate_burst),
        rate_limit(settings.post_rate_per_minute, settings.post_rate_burst),
    )


@raises(429)
async def _read_limited(request: Request) -> None:
    await request.app.state.public_rate_limits[0](request)


@raises(429)
async def _write_limited(request: Request) -> None:
    await request.app.state.public_rate_limits[1](request)


router = APIRouter(prefix="/v1/public/releases/{release_id}", tags=["visitors"])
READ = [Depends(_read_limited)]
WRITE = [Depends(_write_limited)]


def _position(cursor: str | None) -> Position | None:
    if cursor is None:
        return None
    values = decode_cursor(cursor, required_keys=["posted_at", "id"])
    posted_at, comment_id = values["posted_at"], values["id"]
    if not isinstance(comment_id, str) or not hasattr(posted_at, "isoformat"):
        raise BadRequest("invalid cursor", code="invalid_cursor")
    return Position(posted_at=posted_at, comment_id=comment_id)


@router.get("/comments", dependencies=READ, responses=error_responses(404))
async def thread(
    request: Request,
    release_id: IdPath,
    comments: CommentsDep,
    limit: Limit,
    cursor: Cursor = None,
    order: Annotated[Order, Query(description="newest or oldest first")] = Order.newest,
) -> ThreadOut:
    """The release's visible comments, top-level ones by page, each with its replies."""
    reader = comments.page_reader()
    page = await reading.thread_page(reader, release_id, order, _position(cursor), limit)
    thread_of(request, page.release.tenant_id, release_id)
    items = [CommentOut.tree(node) for node in page.nodes]
    next_cursor = None
    if page.more and page.nodes:
        last = page.nodes[-1].comment
        next_cursor = encode_cursor({"posted_at": last.posted_at, "id": last.id})
    return ThreadOut(items=items, next_cursor=next_cursor)


@router.get("/comment-count", dependencies=READ, responses=error_responses(404))
async def count(request: Request, release_id: IdPath, comments: CommentsDep) -> CountOut:
    """How many comments the release shows, and whether it takes new ones."""
    found = await reading.comment_count(comments.page_reader(), comments.deps, release_id)
    release = found.release
    count_of(request, comments, release.tenant_id, release_id, release.newsroom_id, found.closes_at)
    return CountOut(release_id=found.release_id, visible=found.visible, open=found.open)


@router.post(
    "/comments",
    status_code=status.HTTP_201_CREATED,
    dependencies=WRITE,
    responses=error_responses(403, 404, 409),
)
async def post(
    release_id: IdPath, body: CommentIn, visitor: VisitorDep, comments: CommentsDep
) -> PostedOut:
    """Comment on the release, or reply to one of its comments (`parent_id`)."""
    new = posting.NewComment(
        release_id=release_id,
        author_name=body.author_name,
        email=body.email,
        text=body.text,
        parent_id=body.parent_id,
        honeypot=body.website,
    )
    posted = await comments.intake.post(visitor, new)
    comments.mail_loop.wake()  # the author's mail was queued with it: send it now
    window = timedelta(seconds=comments.deps.edit_window_s)
    return PostedOut(
        id=posted.comment.id,
        status=posted.comment.status.value,
        hold_reasons=list(posted.comment.hold_reasons),
        awaiting_verification=posted.comment.awaiting is not None,
        author_token=posted.token,
        editable_until=posted.comment.editable_until(window),
        comment=CommentOut.of(posted.comment),
    )


def _after_edit(comment: Comment) -> AfterEditOut:
    return AfterEditOut(
        id=comment.id,
        status=comment.status.value,
        hold_reasons=list(comment.hold_reasons),
        comment=CommentOut.of(comment),
    )


@router.patch(
    "/comments/{comment_id}", dependencies=WRITE, responses=error_responses(400, 404, 409, 410)
)
async def edit(
    release_id: IdPath,
    comment_id: IdPath,
    body: EditIn,
    token: AuthorToken,
    comments: CommentsDep,
) -> AfterEditOut:
    """The author changes their comment's text within the edit window (the rules apply again)."""
    edited = await authoring.edit_comment(
        comments.uow(), comments.deps, token, release_id, comment_id, body.text
    )
    return _after_edit(edited)


@router.delete(
    "/comments/{comment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    dependencies=WRITE,
    responses=error_responses(400, 404, 410),
)
async def delete(
    release_id: IdPath, comment_id: IdPath, token: AuthorToken, comments: CommentsDep
) -> Response:
    """The author deletes their comment within the edit window (idempotent)."""
    await authoring.delete_comment(comments.uow(), comments.deps, token, release_id, comment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/comments/{comment_id}/reactions", dependencies=WRITE, responses=error_responses(404))
async def react(
    release_id: IdPath,
    comment_id: IdPath,
    body: ReactionIn,
    visitor: VisitorDep,
    comments: CommentsDep,
) -> CommentOut:
    """React to a comment (once per reader and kind: again changes nothing)."""
    reacted = await reactions.react(
        comments.uow(), comments.deps, visitor, release_id, comment_id, body.kind
    )
    return CommentOut.of(reacted)


@router.delete(
    "/comments/{comment_id}/reactions/{kind}", dependencies=WRITE, responses=error_responses(404)
)
async def unreact(
    release_id: IdPath,
    comment_id: IdPath,
    kind: Reaction,
    visitor: VisitorDep,
    comments: CommentsDep,
) -> CommentOut:
    """Withdraw your reaction of this kind (none: nothing changes), so a reaction toggles."""
    withdrawn = await reactions.unreact(
        comments.uow(), comments.deps, visitor, release_id, comment_id, kind
    )
    return CommentOut.of(withdrawn)


@router.post(
    "/comments/{comment_id}/reports",
    status_code=status.HTTP_202_ACCEPTED,
    response_class=Response,
    dependencies=WRITE,
    responses=error_responses(404),
)
async def report(
    release_id: IdPath,
    comment_id: IdPath,
    body: ReportIn,
    visitor: VisitorDep,
    comments: CommentsDep,
) -> Response:
    """Report a comment to the moderators: it joins their queue (once per reader)."""
    await reactions.report(
        comments.uow(), comments.deps, visitor, release_id, comment_id, body.reason
    )
    return Response(status_code=status.HTTP_202_ACCEPTED)
