"""Press releases of the caller's tenant: create, read, list, edit, delete, history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from newsroom_shared.http.errors import error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, encode_cursor
from newsroom_shared.http.params import DateTimeParam
from publisher.domain.workflow import Status
from publisher.entrypoints.http.dependencies import (
    Editor,
    IfMatch,
    PublisherDep,
    Viewer,
    cursor_int,
    cursor_str,
)
from publisher.entrypoints.http.presenting import as_utc, release_answer
from publisher.entrypoints.http.schemas.releases import (
    ReleaseCreate,
    ReleaseOut,
    ReleaseSummary,
    ReleaseUpdate,
    VersionOut,
    VersionSummary,
)
from publisher.service import releases
from publisher.service.ports import ReleaseFilter

router = APIRouter(prefix="/v1/releases", tags=["releases"])

CHANGE_ERRORS = error_responses(404, 409)


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(404, 409))
async def create_release(
    body: ReleaseCreate, caller: Editor, publisher: PublisherDep, response: Response
) -> ReleaseOut:
    """Create a draft release in one of the tenant's newsrooms."""
    view = await releases.create_release(
        publisher.uow(),
        publisher.deps,
        caller,
        newsroom_id=body.newsroom_id,
        changes=body.to_domain(),
    )
    return release_answer(view, publisher, response)


@router.get("")
async def list_releases(
    caller: Viewer,
    publisher: PublisherDep,
    limit: Limit,
    cursor: Cursor = None,
    newsroom_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Status | None = None,
    tag: Annotated[str | None, Query(max_length=50)] = None,
    language: Annotated[str | None, Query(max_length=35)] = None,
    published_from: Annotated[DateTimeParam | None, Query(description="Inclusive")] = None,
    published_to: Annotated[DateTimeParam | None, Query(description="Exclusive")] = None,
) -> Page[ReleaseSummary]:
    """List the tenant's releases, newest first, with filters."""
    where = ReleaseFilter(
        newsroom_id=newsroom_id,
        status=status,
        tag=tag,
        language=language,
        published_from=as_utc(published_from),
        published_to=as_utc(published_to),
    )
    after = cursor_str(cursor, "id")
    page = await releases.list_releases(
        publisher.reader(), caller, where, after_id=after, limit=limit
    )
    next_cursor = encode_cursor({"id": page.items[-1].release.id}) if page.more else None
    items = [ReleaseSummary.of(v, publisher.deps.links) for v in page.items]
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{release_id}")
async def get_release(
    release_id: str, caller: Viewer, publisher: PublisherDep, response: Response
) -> ReleaseOut:
    """One release, with its version as ETag."""
    view = await releases.get_release(publisher.reader(), caller, release_id)
    return release_answer(view, publisher, response)


@router.patch("/{release_id}", responses=CHANGE_ERRORS)
async def update_release(
    release_id: str,
    body: ReleaseUpdate,
    caller: Editor,
    publisher: PublisherDep,
    if_match: IfMatch,
    response: Response,
) -> ReleaseOut:
    """Edit a release; in review or approved it returns to draft, published it is a correction.

    Media added to a scheduled, embargoed or published release must be ready and described as
    for publishing (422 `media_not_publishable`)."""
    view = await releases.edit_release(
        publisher.uow(), publisher.deps, caller, release_id, body.to_domain(), if_match=if_match
    )
    return release_answer(view, publisher, response)


@router.delete("/{release_id}", status_code=status.HTTP_204_NO_CONTENT, responses=CHANGE_ERRORS)
async def delete_release(
    release_id: str, caller: Editor, publisher: PublisherDep, if_match: IfMatch
) -> None:
    """Delete a release that was never published or embargoed (others are withdrawn)."""
    await releases.delete_release(publisher.uow(), caller, release_id, if_match=if_match)


@router.get("/{release_id}/versions")
async def list_release_versions(
    release_id: str, caller: Viewer, publisher: PublisherDep, limit: Limit, cursor: Cursor = None
) -> Page[VersionSummary]:
    """The release's version history, newest first."""
    after = cursor_int(cursor, "v")
    page = await releases.list_versions(
        publisher.reader(), caller, release_id, after_version=after, limit=limit
    )
    next_cursor = encode_cursor({"v": page.items[-1].version}) if page.more else None
    return Page(items=[VersionSummary.of(v) for v in page.items], next_cursor=next_cursor)


@router.get("/{release_id}/versions/{version}")
async def get_release_version(
    release_id: str,
    version: Annotated[int, Path(ge=1, le=2**31 - 1)],
    caller: Viewer,
    publisher: PublisherDep,
) -> VersionOut:
    """The release as it was at one version."""
    reader = publisher.reader()
    found = await releases.get_version(reader, caller, release_id, version)
    current = await releases.get_release(reader, caller, release_id)
    return VersionOut.with_snapshot(found, current, publisher.deps.links)
