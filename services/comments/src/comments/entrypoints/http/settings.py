"""A newsroom's comment settings (staff)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from comments.entrypoints.http.dependencies import CommentsDep, Editor, Viewer
from comments.entrypoints.http.schemas.staff import SettingsIn, SettingsOut
from comments.service import settings as use_cases

router = APIRouter(prefix="/v1/newsrooms/{newsroom_id}/comment-settings", tags=["settings"])
NewsroomId = Annotated[
    str, Path(min_length=1, max_length=100, description="A newsroom of your tenant (its id)")
]


@router.get("")
async def get_settings(
    newsroom_id: NewsroomId, staff: Viewer, comments: CommentsDep
) -> SettingsOut:
    """The newsroom's settings (the defaults until changed: pre-moderation, no period)."""
    found = await use_cases.get_settings(comments.reader(), staff.tenant_id, newsroom_id)
    return SettingsOut.of(found)


@router.put("")
async def put_settings(
    newsroom_id: NewsroomId, body: SettingsIn, staff: Editor, comments: CommentsDep
) -> SettingsOut:
    """Replace the newsroom's settings (each field whole)."""
    stored = await use_cases.put_settings(
        comments.uow(), body.settings(staff.tenant_id, newsroom_id)
    )
    return SettingsOut.of(stored)
