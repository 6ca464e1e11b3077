"""Workflow actions on a release. Illegal ones answer 409 naming the status and what is allowed;
an ``If-Match`` that is not the current version answers 412."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from newsroom_shared.http.errors import error_responses
from publisher.entrypoints.http.dependencies import Admin, Editor, IfMatch, PublisherDep
from publisher.entrypoints.http.presenting import release_answer
from publisher.entrypoints.http.schemas.releases import (
    PreviewLinkOut,
    PublishIn,
    RejectIn,
    ReleaseOut,
    ScheduleIn,
    WithdrawIn,
)
from publisher.service import workflow

router = APIRouter(prefix="/v1/releases/{release_id}", tags=["release workflow"])

ERRORS = error_responses(404, 409)
# Going public: also 422 media_not_publishable, naming each item not ready or not described.
PUBLIC_ERRORS = error_responses(404, 409, 422)


@router.post("/submit", responses=ERRORS)
async def submit_release(
    release_id: str, caller: Editor, publisher: PublisherDep, if_match: IfMatch, response: Response
) -> ReleaseOut:
    """Submit a draft for review."""
    view = await workflow.submit(
        publisher.uow(), publisher.deps, caller, release_id, if_match=if_match
    )
    return release_answer(view, publisher, response)


@router.post("/approve", responses=ERRORS)
async def approve_release(
    release_id: str, caller: Admin, publisher: PublisherDep, if_match: IfMatch, response: Response
) -> ReleaseOut:
    """Approve a release in review (admin only)."""
    view = await workflow.approve(
        publisher.uow(), publisher.deps, caller, release_id, if_match=if_match
    )
    return release_answer(view, publisher, response)


@router.post("/reject", responses=ERRORS)
async def reject_release(
    release_id: str,
    body: RejectIn,
    caller: Admin,
    publisher: PublisherDep,
    if_match: IfMatch,
    response: Response,
) -> ReleaseOut:
    """Send a release in review back to draft with a comment (admin only)."""
    view = await workflow.reject(
        publisher.uow(), publisher.deps, caller, release_id, comment=body.comment, if_match=if_match
    )
    return release_answer(view, publisher, response)


@router.post("/schedule", responses=PUBLIC_ERRORS)
async def schedule_release(
    release_id: str,
    body: ScheduleIn,
    caller: Editor,
    publisher: PublisherDep,
    if_match: IfMatch,
    response: Response,
) -> ReleaseOut:
    """Schedule publication at a future time (the scheduler publishes it then). The media are
    checked now, as for publishing (422 `media_not_publishable`)."""
    view = await workflow.schedule(
        publisher.uow(),
        publisher.deps,
        caller,
        release_id,
        publish_at=body.publish_at,
        if_match=if_match,
    )
    return release_answer(view, publisher, response)


@router.post("/unschedule", responses=ERRORS)
async def unschedule_release(
    release_id: str, caller: Editor, publisher: PublisherDep, if_match: IfMatch, response: Response
) -> ReleaseOut:
    """Cancel a scheduled publication (back to draft)."""
    view = await workflow.unschedule(
        publisher.uow(), publisher.deps, caller, release_id, if_match=if_match
    )
    return release_answer(view, publisher, response)


@router.post("/publish", responses=PUBLIC_ERRORS)
async def publish_release(
    release_id: str,
    caller: Editor,
    publisher: PublisherDep,
    if_match: IfMatch,
    response: Response,
    body: PublishIn | None = None,
) -> ReleaseOut:
    """Publish now, or under embargo when `embargo_until` is given.

    Every media item of the release must be processed by the media service and, if it is an
    image, have alt text or be marked decorative: else 422 `media_not_publishable`, one entry of
    `errors` per item saying why."""
    view = await workflow.publish(
        publisher.uow(),
        publisher.deps,
        caller,
        release_id,
        embargo_until=body.embargo_until if body else None,
        if_match=if_match,
    )
    return release_answer(view, publisher, response)


@router.post("/withdraw", responses=ERRORS)
async def withdraw_release(
    release_id: str,
    body: WithdrawIn,
    caller: Editor,
    publisher: PublisherDep,
    if_match: IfMatch,
    response: Response,
) -> ReleaseOut:
    """Take a published (or embargoed) release down, with a reason."""
    view = await workflow.withdraw(
        publisher.uow(), publisher.deps, caller, release_id, reason=body.reason, if_match=if_match
    )
    return release_answer(view, publisher, response)


@router.post(
    "/preview-links",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(404, 409),
)
async def create_preview_link(
    release_id: str, caller: Editor, publisher: PublisherDep
) -> PreviewLinkOut:
    """A signed link showing an embargoed release until its lift (it expires then)."""
    link = await workflow.create_preview_link(
        publisher.reader(), publisher.deps, caller, release_id
    )
    return PreviewLinkOut(url=link.url, token=link.token, expires_at=link.expires_at)
