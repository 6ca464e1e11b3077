"""Mentions of a tenant: listing by filter, triage (handled, assignee, what answered it),
hourly counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from listening.domain.errors import NotFoundError, UnknownAnswerError
from listening.domain.mentions import AnsweredBy, AnswerKind, Mention
from listening.service.ports import (
    HourCount,
    MentionFilter,
    MentionPosition,
    UnitOfWork,
)
from listening.service.views import Slice


async def list_mentions(
    uow: UnitOfWork,
    tenant_id: str,
    where: MentionFilter,
    *,
    after: MentionPosition | None,
    limit: int,
) -> Slice[Mention]:
    async with uow:
        rows = await uow.mentions.page(tenant_id, where, after=after, limit=limit + 1)
    return Slice.of(rows, limit)


async def get_mention(uow: UnitOfWork, tenant_id: str, mention_id: str) -> Mention:
    async with uow:
        return await _load(uow, tenant_id, mention_id)


@dataclass(frozen=True, slots=True)
class AnswerLink:
    """``answered_by`` as staff set it (``at``): a release or comment of theirs, or None to
    unlink."""

    answer: tuple[AnswerKind, str] | None
    at: datetime


async def triage_mention(
    uow: UnitOfWork,
    tenant_id: str,
    mention_id: str,
    *,
    handled: bool | None,
    assignee: str | None,
    unassign: bool,
    answered_by: AnswerLink | None = None,
) -> Mention:
    """What staff did about a mention; ``answered_by`` None leaves the link as it is."""
    async with uow:
        mention = await _load(uow, tenant_id, mention_id)
        changed = mention.triaged(handled=handled, assignee=assignee, unassign=unassign)
        if answered_by is not None:
            answer = await _answer(uow, tenant_id, answered_by)
            changed = changed.answered(answer)
        await uow.mentions.save_triage(changed)
    return changed


async def _answer(uow: UnitOfWork, tenant_id: str, link: AnswerLink) -> AnsweredBy | None:
    if link.answer is None:
        return None
    kind, identifier = link.answer
    if kind == "release":
        known = await uow.releases.get(tenant_id, identifier) is not None
    else:
        known = await uow.comments.get(tenant_id, identifier) is not None
    if not known:
        raise UnknownAnswerError(kind, identifier)
    return AnsweredBy(kind, identifier, link.at)


async def hourly_counts(uow: UnitOfWork, tenant_id: str, where: MentionFilter) -> list[HourCount]:
    async with uow:
        return await uow.mentions.hourly_counts(tenant_id, where)


async def _load(uow: UnitOfWork, tenant_id: str, mention_id: str) -> Mention:
    mention = await uow.mentions.get(tenant_id, mention_id)
    if mention is None:
        raise NotFoundError("mention", mention_id)
    return mention
