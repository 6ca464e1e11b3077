"""Bans (staff): refuse every further comment from an email digest or a client digest."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from comments.entrypoints.http.dependencies import CommentsDep, Editor, Viewer, cursor_str
from comments.entrypoints.http.schemas.staff import BanIn, BanOut
from comments.service import moderation
from newsroom_shared.events.comments import SHA256_HEX
from newsroom_shared.http.errors import error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, page_of

router = APIRouter(prefix="/v1/bans", tags=["bans"])
BanId = Annotated[
    str,
    Path(
        pattern=r"^(email|client):" + SHA256_HEX.removeprefix("^"),
        description="`email:<digest>` or `client:<digest>`",
    ),
]


@router.post("", status_code=status.HTTP_201_CREATED)
async def ban(body: BanIn, staff: Editor, comments: CommentsDep) -> BanOut:
    """Ban an email or client digest from commenting in your tenant (idempotent; logged)."""
    entry = await moderation.ban(
        comments.uow(), comments.deps, staff, body.kind, body.digest, body.reason
    )
    return BanOut.of(entry)


@router.get("")
async def list_bans(
    staff: Viewer, comments: CommentsDep, limit: Limit, cursor: Cursor = None
) -> Page[BanOut]:
    """The tenant's bans."""
    rows = await moderation.bans(
        comments.reader(), staff.tenant_id, cursor_str(cursor, "id"), limit + 1
    )
    return page_of([BanOut.of(b) for b in rows], limit, lambda b: {"id": b.id})


@router.delete(
    "/{ban_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(404),
)
async def unban(ban_id: BanId, staff: Editor, comments: CommentsDep) -> Response:
    """Lift a ban (logged)."""
    await moderation.unban(comments.uow(), comments.deps, staff, ban_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
