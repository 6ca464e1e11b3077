"""Mentions of the caller's tenant: filter, read, triage, hourly counts."""

# No "from __future__ import annotations": FastAPI reads the Annotated query parameters.
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from listening.domain.mentions import SentimentLabel
from listening.entrypoints.http.dependencies import (
    EditorTenant,
    ListeningDep,
    ViewerTenant,
    cursor_time_and_id,
)
from listening.entrypoints.http.schemas.mentions import (
    HourCountOut,
    HourCounts,
    MentionOut,
    MentionTriage,
)
from listening.service import mentions
from listening.service.ports import MentionFilter, MentionPosition
from newsroom_shared.http.pagination import Cursor, Limit, Page, encode_cursor
from newsroom_shared.http.params import DateTimeParam

router = APIRouter(prefix="/v1/mentions", tags=["mentions"])
# Not under /v1/mentions/: a path of its own cannot be taken for a mention's id.
counts_router = APIRouter(prefix="/v1/mention-counts", tags=["mentions"])

SourceKindParam = Literal["rss", "atom", "mastodon", "bluesky", "webhook", "comment"]


def _filter(
    query_id: Annotated[str | None, Query(max_length=64)] = None,
    sentiment: SentimentLabel | None = None,
    source: SourceKindParam | None = None,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$")] = None,
    since: Annotated[DateTimeParam | None, Query(description="Detected at or after")] = None,
    until: Annotated[DateTimeParam | None, Query(description="Detected before")] = None,
    handled: bool | None = None,
    assignee: Annotated[str | None, Query(max_length=200)] = None,
    taken_down: Annotated[
        bool,
        Query(
            description="false (the inbox): leave out comments moderation took down (spam, "
            "rejected, hidden) and mentions withdrawn at their source (edited so that no query "
            "matches, deleted); true: only those"
        ),
    ] = False,
) -> MentionFilter:
    return MentionFilter(
        query_id,
        sentiment,
        source,
        language,
        _utc(since),
        _utc(until),
        handled,
        assignee,
        taken_down,
    )


def _utc(moment: datetime | None) -> datetime | None:
    """A bound in UTC; one whose UTC instant falls outside the years 1-9999 bounds nothing,
    and is clamped to the earliest or latest time (which filters the same)."""
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return (datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=UTC)


Filter = Annotated[MentionFilter, Depends(_filter)]


@router.get("")
async def list_mentions(
    tenant: ViewerTenant,
    listening: ListeningDep,
    where: Filter,
    limit: Limit,
    cursor: Cursor = None,
) -> Page[MentionOut]:
    """List the tenant's mentions, newest first, filtered."""
    position = cursor_time_and_id(cursor)
    after = MentionPosition(*position) if position else None
    page = await mentions.list_mentions(listening.reader(), tenant, where, after=after, limit=limit)
    last = page.items[-1] if page.more else None
    next_cursor = encode_cursor({"at": last.detected_at, "id": last.id}) if last else None
    return Page(items=[MentionOut.of(m) for m in page.items], next_cursor=next_cursor)


@counts_router.get("")
async def hourly_counts(tenant: ViewerTenant, listening: ListeningDep, where: Filter) -> HourCounts:
    """Mentions per hour and sentiment, oldest first, ready to chart."""
    rows = await mentions.hourly_counts(listening.reader(), tenant, where)
    return HourCounts(items=[HourCountOut.of(row) for row in rows])


@router.get("/{mention_id}")
async def get_mention(mention_id: str, tenant: ViewerTenant, listening: ListeningDep) -> MentionOut:
    """One mention."""
    return MentionOut.of(await mentions.get_mention(listening.reader(), tenant, mention_id))


@router.patch("/{mention_id}")
async def triage_mention(
    mention_id: str, body: MentionTriage, tenant: EditorTenant, listening: ListeningDep
) -> MentionOut:
    """Mark a mention handled (or not), assign it (``assignee``; null unassigns), link it to
    the release or comment that answered it (``answered_by``; null unlinks)."""
    answered_by = None
    if "answered_by" in body.model_fields_set:
        answer = body.answered_by
        link = None if answer is None else (answer.kind, answer.id)
        answered_by = mentions.AnswerLink(link, listening.deps.clock.now())
    mention = await mentions.triage_mention(
        listening.uow(),
        tenant,
        mention_id,
        handled=body.handled,
        assignee=body.assignee,
        unassign="assignee" in body.model_fields_set and body.assignee is None,
        answered_by=answered_by,
    )
    return MentionOut.of(mention)
