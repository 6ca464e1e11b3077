"""A newsroom's archive page: every month with published releases, and its tags."""

from __future__ import annotations

from dataclasses import dataclass

from publisher.domain.archive import MonthCount, TagCount
from publisher.domain.errors import NotFoundError
from publisher.domain.newsroom import Newsroom
from publisher.service.ports import UnitOfWork

TAGS_SHOWN = 100  # the most used; the rest are reached from their releases


@dataclass(frozen=True, slots=True)
class Archive:
    newsroom: Newsroom
    months: list[MonthCount]  # newest first
    tags: list[TagCount]  # the most used first


async def archive(uow: UnitOfWork, newsroom_slug: str, *, tags: int = TAGS_SHOWN) -> Archive:
    """The newsroom's months and its ``tags`` most used tags."""
    async with uow:
        newsroom = await uow.newsrooms.get_by_slug(newsroom_slug)
        if newsroom is None:
            raise NotFoundError("newsroom", newsroom_slug)
        months = await uow.releases.published_months(newsroom.tenant_id, newsroom.id)
        used = await uow.releases.published_tags(newsroom.tenant_id, newsroom.id, limit=tags)
    months.sort(key=lambda entry: entry.month, reverse=True)
    return Archive(newsroom, months, used)
