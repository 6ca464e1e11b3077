"""Creating and changing a newsroom emit the events other services keep their newsrooms from."""

from datetime import timedelta

import pytest

from newsroom_shared.events.publisher import NewsroomCreated, NewsroomUpdated
from publisher.domain.errors import InvalidInputError
from publisher.domain.newsroom import NewsroomChanges
from publisher.service import newsrooms
from publisher.service.ports import Caller


def newsroom_events(uow) -> list[NewsroomCreated | NewsroomUpdated]:
    return [e for e in uow.events if isinstance(e, NewsroomCreated | NewsroomUpdated)]


async def test_creating_a_newsroom_emits_its_facts_at_version_one(uow, deps, caller) -> None:
    room = await newsrooms.create_newsroom(
        uow, deps, caller, name="Acme Newsroom", default_language="en", slug="acme"
    )

    assert newsroom_events(uow) == [
        NewsroomCreated(
            tenant_id=caller.tenant_id,
            newsroom_id=room.id,
            slug="acme",
            name="Acme Newsroom",
            default_language="en",
            version=1,
            updated_at=deps.clock.now(),
        )
    ]


async def test_each_change_emits_the_whole_state_at_a_higher_version(uow, deps, caller) -> None:
    room = await newsrooms.create_newsroom(
        uow, deps, caller, name="Acme Newsroom", default_language="en", slug="acme"
    )
    deps.clock.advance(timedelta(minutes=1))
    await newsrooms.change_newsroom(uow, deps, caller, room.id, NewsroomChanges(name="Acme News"))
    await newsrooms.change_newsroom(
        uow, deps, caller, room.id, NewsroomChanges(default_language="de")
    )

    created, renamed, relanguaged = newsroom_events(uow)
    assert isinstance(renamed, NewsroomUpdated)
    assert isinstance(relanguaged, NewsroomUpdated)
    assert [e.version for e in (created, renamed, relanguaged)] == [1, 2, 3]
    assert (renamed.name, renamed.default_language, renamed.slug) == ("Acme News", "en", "acme")
    assert (relanguaged.name, relanguaged.default_language) == ("Acme News", "de")
    assert renamed.updated_at == deps.clock.now()
    assert (await newsrooms.get_newsroom(uow, caller, room.id)).version == 3


async def test_a_refused_change_emits_nothing(uow, deps, caller) -> None:
    room = await newsrooms.create_newsroom(
        uow, deps, caller, name="Acme Newsroom", default_language="en", slug="acme"
    )
    uow.events.clear()
    with pytest.raises(InvalidInputError):
        await newsrooms.change_newsroom(uow, deps, caller, room.id, NewsroomChanges(name=" "))
    assert newsroom_events(uow) == []
    assert (await newsrooms.get_newsroom(uow, caller, room.id)).version == 1


async def test_republish_emits_every_newsroom_of_every_tenant_in_pages(uow, deps) -> None:
    acme, other = Caller("a" * 24, "k" * 24), Caller("b" * 24, "k" * 24)
    rooms = [
        await newsrooms.create_newsroom(uow, deps, acme, name="Acme", default_language="en"),
        await newsrooms.create_newsroom(uow, deps, acme, name="Acme Labs", default_language="en"),
        await newsrooms.create_newsroom(uow, deps, other, name="Other", default_language="fr"),
    ]
    await newsrooms.change_newsroom(uow, deps, acme, rooms[0].id, NewsroomChanges(name="Acme Co"))
    uow.events.clear()

    assert await newsrooms.republish_newsrooms(uow, batch_size=2) == 3

    emitted = newsroom_events(uow)
    assert all(isinstance(e, NewsroomUpdated) for e in emitted)
    assert sorted((e.tenant_id, e.newsroom_id, e.name, e.version) for e in emitted) == sorted(
        [
            (acme.tenant_id, rooms[0].id, "Acme Co", 2),
            (acme.tenant_id, rooms[1].id, "Acme Labs", 1),
            (other.tenant_id, rooms[2].id, "Other", 1),
        ]
    )


async def test_the_events_name_the_newsrooms_own_domain_while_it_has_one(uow, deps, caller) -> None:
    room = await newsrooms.create_newsroom(
        uow, deps, caller, name="Acme Newsroom", default_language="en", slug="acme"
    )
    await newsrooms.change_newsroom(
        uow, deps, caller, room.id, NewsroomChanges(domain="news.acme.example")
    )
    await newsrooms.change_newsroom(uow, deps, caller, room.id, NewsroomChanges(clear_domain=True))

    assert [e.domain for e in newsroom_events(uow)] == [None, "news.acme.example", None]


async def test_the_brand_colour_travels_in_the_events_and_null_clears_it(uow, deps, caller) -> None:
    room = await newsrooms.create_newsroom(
        uow, deps, caller, name="Acme", default_language="en", brand_color="#FFD500"
    )
    await newsrooms.change_newsroom(
        uow, deps, caller, room.id, NewsroomChanges(clear_brand_color=True)
    )

    created, cleared = newsroom_events(uow)
    assert (created.brand_color, cleared.brand_color) == ("#ffd500", None)


async def test_a_malformed_brand_colour_is_refused_and_changes_nothing(uow, deps, caller) -> None:
    room = await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="en")
    uow.events.clear()
    with pytest.raises(InvalidInputError, match="brand_color"):
        await newsrooms.change_newsroom(
            uow, deps, caller, room.id, NewsroomChanges(brand_color="red;}")
        )
    assert newsroom_events(uow) == []
