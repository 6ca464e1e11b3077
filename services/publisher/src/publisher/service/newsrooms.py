"""Newsrooms: create, read, list, change (admin writes, everyone reads)."""

from __future__ import annotations

from collections.abc import Sequence

from publisher.domain.errors import NotFoundError
from publisher.domain.newsroom import Newsroom, NewsroomChanges
from publisher.domain.values import ContactPerson
from publisher.service.ports import Caller, Deps, UnitOfWork
from publisher.service.transactions import atomically
from publisher.service.views import Slice


async def create_newsroom(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller,
    *,
    name: str,
    default_language: str,
    slug: str | None = None,
    description: str = "",
    logo_media_id: str | None = None,
    contacts: Sequence[ContactPerson] = (),
    requires_approval: bool = False,
) -> Newsroom:
    async def command() -> Newsroom:
        newsroom = Newsroom.create(
            tenant_id=caller.tenant_id,
            name=name,
            default_language=default_language,
            now=deps.clock.now(),
            slug=slug,
            description=description,
            logo_media_id=logo_media_id,
            contacts=contacts,
            requires_approval=requires_approval,
        )
        await uow.newsrooms.add(newsroom)
        return newsroom

    return await atomically(uow, command)


async def load_newsroom(uow: UnitOfWork, tenant_id: str, newsroom_id: str) -> Newsroom:
    newsroom = await uow.newsrooms.get(tenant_id, newsroom_id)
    if newsroom is None:
        raise NotFoundError("newsroom", newsroom_id)
    return newsroom


async def get_newsroom(uow: UnitOfWork, caller: Caller, newsroom_id: str) -> Newsroom:
    async with uow:
        return await load_newsroom(uow, caller.tenant_id, newsroom_id)


async def list_newsrooms(
    uow: UnitOfWork, caller: Caller, *, after_id: str | None, limit: int
) -> Slice[Newsroom]:
    async with uow:
        rows = await uow.newsrooms.page(caller.tenant_id, after_id=after_id, limit=limit + 1)
    return Slice.of(rows, limit)


async def change_newsroom(
    uow: UnitOfWork, deps: Deps, caller: Caller, newsroom_id: str, changes: NewsroomChanges
) -> Newsroom:
    async def command() -> Newsroom:
        newsroom = await load_newsroom(uow, caller.tenant_id, newsroom_id)
        newsroom.change(changes, deps.clock.now())
        await uow.newsrooms.save(newsroom)
        return newsroom

    return await atomically(uow, command)
