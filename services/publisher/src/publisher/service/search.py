"""Search within a newsroom's published releases (the rules are in ``domain/search.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from publisher.domain.errors import NotFoundError
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.domain.search import Query, parse_query, rank
from publisher.service.ports import UnitOfWork

CANDIDATES = 200  # the newest matches ranked; an older one beyond them needs more words
PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class SearchResults:
    newsroom: Newsroom
    query: Query | None  # None: nothing to search for (the form alone)
    releases: list[Release]  # this page of the ranked matches
    page: int
    more: bool  # another page follows
    capped: bool  # more matched than were ranked


async def search(uow: UnitOfWork, newsroom_slug: str, text: str, *, page: int) -> SearchResults:
    """Page ``page`` (from 1) of the newsroom's published releases that match ``text``."""
    async with uow:
        newsroom = await uow.newsrooms.get_by_slug(newsroom_slug)
        if newsroom is None:
            raise NotFoundError("newsroom", newsroom_slug)
        query = parse_query(text, [newsroom.default_language])
        if query is None:
            return SearchResults(newsroom, None, [], page, more=False, capped=False)
        found = await uow.releases.search_published(
            newsroom.tenant_id, newsroom.id, query.variants, limit=CANDIDATES + 1
        )
    ranked = rank(found[:CANDIDATES], query)
    start = (page - 1) * PAGE_SIZE
    return SearchResults(
        newsroom,
        query,
        ranked[start : start + PAGE_SIZE],
        page,
        more=len(ranked) > start + PAGE_SIZE,
        capped=len(found) > CANDIDATES,
    )
