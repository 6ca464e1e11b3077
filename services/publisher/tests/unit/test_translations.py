"""Releases as translations of each other: one per language, one newsroom, one tenant."""

import pytest

from newsroom_shared.events.publisher import ReleasePublished
from publisher.domain.content import ContentChanges
from publisher.domain.errors import (
    AlreadyExistsError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from publisher.domain.translations import public
from publisher.service import newsrooms, releases, translations, workflow
from publisher.service.ports import Caller


@pytest.fixture
async def room(uow, deps, caller):
    return await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="en")


async def draft(uow, deps, caller, room, language, title="News"):
    changes = ContentChanges(title=f"{title} {language}", language=language)
    view = await releases.create_release(uow, deps, caller, newsroom_id=room.id, changes=changes)
    return view.release


async def test_releases_are_linked_one_per_language(uow, deps, caller, room) -> None:
    en = await draft(uow, deps, caller, room, "en")
    sv = await draft(uow, deps, caller, room, "sv")
    de = await draft(uow, deps, caller, room, "de")
    group = await translations.link_translation(uow, caller, en.id, sv.id)
    assert {r.id for r in group} == {en.id, sv.id}
    assert {r.translation_group for r in group} == {en.id}  # named after the first release
    await translations.link_translation(uow, caller, sv.id, de.id)  # from any member
    listed = await translations.list_translations(uow, caller, de.id)
    assert {r.content.language for r in listed} == {"en", "sv", "de"}
    # Linking again is no change.
    assert len(await translations.link_translation(uow, caller, en.id, sv.id)) == 3
    # Linking makes no version: editors' If-Match stays valid.
    assert (await releases.get_release(uow, caller, en.id)).release.version == 1


async def test_a_language_is_taken_once_in_a_group(uow, deps, caller, room) -> None:
    en = await draft(uow, deps, caller, room, "en")
    sv = await draft(uow, deps, caller, room, "sv")
    other_sv = await draft(uow, deps, caller, room, "SV", title="Other")
    await translations.link_translation(uow, caller, en.id, sv.id)
    with pytest.raises(AlreadyExistsError, match="already have language 'SV'"):
        await translations.link_translation(uow, caller, en.id, other_sv.id)
    same = await draft(uow, deps, caller, room, "en", title="Same")
    with pytest.raises(AlreadyExistsError):
        await translations.link_translation(uow, caller, sv.id, same.id)
    # An edit to a language a translation has is refused the same way.
    with pytest.raises(AlreadyExistsError, match="already has language 'en'"):
        await releases.edit_release(uow, deps, caller, sv.id, ContentChanges(language="en"))
    await releases.edit_release(uow, deps, caller, sv.id, ContentChanges(language="sv-FI"))


async def test_only_releases_of_the_same_newsroom_and_tenant(uow, deps, caller, room) -> None:
    en = await draft(uow, deps, caller, room, "en")
    elsewhere = await newsrooms.create_newsroom(
        uow, deps, caller, name="Elsewhere", default_language="sv"
    )
    sv = await draft(uow, deps, caller, elsewhere, "sv")
    with pytest.raises(InvalidInputError, match="another newsroom"):
        await translations.link_translation(uow, caller, en.id, sv.id)
    with pytest.raises(InvalidInputError, match="itself"):
        await translations.link_translation(uow, caller, en.id, en.id)
    stranger = Caller("s" * 24, "k")
    theirs_room = await newsrooms.create_newsroom(
        uow, deps, stranger, name="Theirs", default_language="sv"
    )
    theirs = await draft(uow, deps, stranger, theirs_room, "sv")
    with pytest.raises(InvalidInputError, match="no release"):
        await translations.link_translation(uow, caller, en.id, theirs.id)
    with pytest.raises(NotFoundError):
        await translations.link_translation(uow, stranger, en.id, theirs.id)
    with pytest.raises(NotFoundError):
        await translations.unlink_translation(uow, stranger, en.id)


async def test_a_release_in_a_group_leaves_it_before_joining_another(
    uow, deps, caller, room
) -> None:
    en, sv, de, fi = [
        await draft(uow, deps, caller, room, lang) for lang in ("en", "sv", "de", "fi")
    ]
    await translations.link_translation(uow, caller, en.id, sv.id)
    await translations.link_translation(uow, caller, de.id, fi.id)
    with pytest.raises(NotAllowedError, match="unlink it first"):
        await translations.link_translation(uow, caller, en.id, de.id)
    await translations.unlink_translation(uow, caller, de.id)  # fi is left alone: no group
    assert [
        r.translation_group for r in await translations.list_translations(uow, caller, fi.id)
    ] == [None]
    await translations.link_translation(uow, caller, en.id, de.id)
    await translations.unlink_translation(uow, caller, en.id)
    remaining = await translations.list_translations(uow, caller, sv.id)
    assert {r.content.language for r in remaining} == {"sv", "de"}


async def test_readers_see_published_translations_only(uow, deps, caller, room) -> None:
    en = await draft(uow, deps, caller, room, "en")
    sv = await draft(uow, deps, caller, room, "sv")
    await translations.link_translation(uow, caller, en.id, sv.id)
    await workflow.publish(uow, deps, caller, en.id)
    group = await translations.list_translations(uow, caller, en.id)
    assert [r.id for r in public(group)] == [en.id]


async def test_release_events_carry_the_group_as_linked_then(uow, deps, caller, room) -> None:
    en = await draft(uow, deps, caller, room, "en")
    sv = await draft(uow, deps, caller, room, "sv")
    await workflow.publish(uow, deps, caller, sv.id)
    await translations.link_translation(uow, caller, en.id, sv.id)
    await workflow.publish(uow, deps, caller, en.id)
    published = [e for e in uow.events if isinstance(e, ReleasePublished)]
    assert [(e.release_id, e.translation_group) for e in published] == [
        (sv.id, None),  # published before the link: linking emits nothing
        (en.id, en.id),
    ]
