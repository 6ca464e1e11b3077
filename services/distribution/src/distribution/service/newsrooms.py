"""The newsroom read model: kept from the publisher's events, asked by channels and subscribers.

A newsroom another tenant owns and one that does not exist get the same answer, so the answer
reveals nothing about other tenants' ids.
"""

from __future__ import annotations

from distribution.domain.newsrooms import Newsroom
from distribution.service.errors import InvalidInputError, NotFoundError
from distribution.service.ports import UnitOfWork
from newsroom_shared.events.publisher import NewsroomFacts

UNKNOWN_NEWSROOM = "unknown newsroom: no newsroom with this id in your tenant"


async def apply_newsroom_event(uow: UnitOfWork, event: NewsroomFacts) -> bool:
    """Stores the newsroom's state unless a newer one is stored; whether it was stored."""
    newsroom = Newsroom(
        tenant_id=event.tenant_id,
        id=event.newsroom_id,
        slug=event.slug,
        name=event.name,
        default_language=event.default_language,
        version=event.version,
        domain=event.domain,
    )
    if not newsroom.supersedes(await uow.newsrooms.get(event.tenant_id, event.newsroom_id)):
        return False
    await uow.newsrooms.save(newsroom)
    return True


async def own_newsroom(uow: UnitOfWork, tenant_id: str, newsroom_id: str) -> Newsroom:
    """The tenant's newsroom, or a 422 on ``newsroom_id`` (also for another tenant's)."""
    newsroom = await uow.newsrooms.get(tenant_id, newsroom_id)
    if newsroom is None:
        raise InvalidInputError("newsroom_id", UNKNOWN_NEWSROOM)
    return newsroom


async def public_newsroom(uow: UnitOfWork, slug: str) -> Newsroom:
    """The newsroom with this public slug, or 404."""
    newsroom = await uow.newsrooms.with_slug(slug)
    if newsroom is None:
        raise NotFoundError(f"no newsroom {slug!r}")
    return newsroom
