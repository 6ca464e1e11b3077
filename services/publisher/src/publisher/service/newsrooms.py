"""Newsrooms: create, read, list, change (admin writes, everyone reads), republish.

Creating and changing a newsroom emit ``NewsroomCreated``/``NewsroomUpdated`` in the same
transaction: other services keep a read model of newsrooms (distribution checks with it that a
channel names a newsroom of the caller's own tenant).
"""

from __future__ import annotations

from collections.abc import Sequence

from publisher.domain.errors import InvalidInputError, NotFoundError
from publisher.domain.media import logo_problem
from publisher.domain.newsroom import Newsroom, NewsroomChanges
from publisher.domain.values import ContactPerson
from publisher.service import events, republishing
from publisher.service.ports import Caller, Deps, UnitOfWork
from publisher.service.republishing import republish_all
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
    brand_color: str | None = None,
    contacts: Sequence[ContactPerson] = (),
    requires_approval: bool = False,
    domain: str | None = None,
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
            brand_color=brand_color,
            contacts=contacts,
            requires_approval=requires_approval,
            domain=domain,
        )
        _refuse_site_host(deps, newsroom)
        await _refuse_unshowable_logo(uow, newsroom)
        await uow.newsrooms.add(newsroom)
        uow.emit(events.newsroom_created(newsroom))
        return newsroom

    newsroom = await atomically(uow, command)
    if newsroom.domain is not None:
        deps.sites.forget()  # this replica serves the new domain at once; others within a TTL
    return newsroom


def _refuse_site_host(deps: Deps, newsroom: Newsroom) -> None:
    if newsroom.domain is not None and newsroom.domain == deps.links.site_host():
        raise InvalidInputError("domain", "is the platform's own host")


async def _refuse_unshowable_logo(uow: UnitOfWork, newsroom: Newsroom) -> None:
    """422 for a logo the pages could not show, looked up in the newsroom's own tenant."""
    if newsroom.logo_media_id is None:
        return
    item = await uow.media.get(newsroom.tenant_id, newsroom.logo_media_id)
    problem = logo_problem(item)
    if problem:
        raise InvalidInputError("logo_media_id", f"{newsroom.logo_media_id!r} {problem}")


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
    async def command() -> tuple[Newsroom, str | None]:
        newsroom = await load_newsroom(uow, caller.tenant_id, newsroom_id)
        domain_before = newsroom.domain
        newsroom.change(changes, deps.clock.now())
        _refuse_site_host(deps, newsroom)
        if changes.logo_media_id is not None and not changes.clear_logo:
            await _refuse_unshowable_logo(uow, newsroom)
        await uow.newsrooms.save(newsroom)
        uow.emit(events.newsroom_updated(newsroom))
        return newsroom, domain_before

    newsroom, domain_before = await atomically(uow, command)
    if newsroom.domain != domain_before:
        deps.sites.forget()  # this replica serves the new domain at once; others within a TTL
    return newsroom


REPUBLISH_BATCH = republishing.BATCH


async def republish_newsrooms(uow: UnitOfWork, *, batch_size: int = REPUBLISH_BATCH) -> int:
    """Emit ``NewsroomUpdated`` for every newsroom of every tenant; returns how many.

    For newsrooms made before the events existed, and for a service that joins later. Each
    event carries the newsroom's current version, which consumers apply only over an older
    one, so running it again (or alongside edits) changes nothing.
    """
    return await republish_all(
        uow,
        lambda after_id, limit: uow.newsrooms.page_all(after_id=after_id, limit=limit),
        lambda newsroom: [events.newsroom_updated(newsroom)],
        batch_size,
    )
