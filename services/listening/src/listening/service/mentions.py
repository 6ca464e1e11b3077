"""Mentions of a tenant: listing by filter, triage (handled, assignee), hourly counts."""

from __future__ import annotations

from listening.domain.errors import NotFoundError
from listening.domain.mentions import Mention
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


async def triage_mention(
    uow: UnitOfWork,
    tenant_id: str,
    mention_id: str,
    *,
    handled: bool | None,
    assignee: str | None,
    unassign: bool,
) -> Mention:
    async with uow:
        mention = await _load(uow, tenant_id, mention_id)
        changed = mention.triaged(handled=handled, assignee=assignee, unassign=unassign)
        await uow.mentions.save_triage(changed)
    return changed


async def hourly_counts(uow: UnitOfWork, tenant_id: str, where: MentionFilter) -> list[HourCount]:
    async with uow:
        return await uow.mentions.hourly_counts(tenant_id, where)


async def _load(uow: UnitOfWork, tenant_id: str, mention_id: str) -> Mention:
    mention = await uow.mentions.get(tenant_id, mention_id)
    if mention is None:
        raise NotFoundError("mention", mention_id)
    return mention
