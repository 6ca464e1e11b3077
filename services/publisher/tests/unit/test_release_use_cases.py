from datetime import timedelta

import pytest

from newsroom_shared.events.publisher import (
    ReleaseEmbargoed,
    ReleasePublished,
    ReleaseUpdated,
    ReleaseWithdrawn,
)
from publisher.domain.content import ContentChanges
from publisher.domain.errors import IllegalTransitionError, NotFoundError, VersionMismatchError
from publisher.domain.workflow import Status
from publisher.service import newsrooms, releases, workflow
from publisher.service.ports import Caller, ReleaseFilter


@pytest.fixture
async def newsroom(uow, deps, caller):
    room = await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="fr")
    uow.events.clear()  # its NewsroomCreated: these tests count release events
    return room


async def draft(uow, deps, caller, newsroom, title="Big news", **fields):
    changes = ContentChanges(title=title, **fields)
    view = await releases.create_release(
        uow, deps, caller, newsroom_id=newsroom.id, changes=changes
    )
    return view.release


async def test_create_gives_a_draft_with_a_unique_slug_and_a_first_version(
    uow, deps, caller, newsroom
) -> None:
    first = await draft(uow, deps, caller, newsroom)
    second = await draft(uow, deps, caller, newsroom)
    assert (first.slug, second.slug) == ("big-news", "big-news-2")
    assert first.content.language == "fr"
    page = await releases.list_versions(uow, caller, first.id, after_version=None, limit=10)
    assert [(v.version, v.action) for v in page.items] == [(1, "create")]


async def test_publish_emits_exactly_one_event_and_a_second_publish_is_a_conflict(
    uow, deps, caller, newsroom
) -> None:
    release = await draft(uow, deps, caller, newsroom, tags=["AI"])
    view = await workflow.publish(uow, deps, caller, release.id)
    assert view.release.status is Status.PUBLISHED
    with pytest.raises(IllegalTransitionError, match="status 'published'"):
        await workflow.publish(uow, deps, caller, release.id)
    [event] = uow.events
    assert isinstance(event, ReleasePublished)
    assert event.url == f"https://news.test/acme/releases/{release.id}"  # the web page, by id
    assert (event.release_id, event.tenant_id, event.version, event.tags) == (
        release.id, caller.tenant_id, 2, ["ai"],
    )  # fmt: skip
    assert event.embargo_until is None


async def test_a_correction_keeps_the_slug_and_emits_release_updated(uow, deps, caller, newsroom):
    release = await draft(uow, deps, caller, newsroom)
    await workflow.publish(uow, deps, caller, release.id)
    view = await releases.edit_release(
        uow, deps, caller, release.id, ContentChanges(title="Corrected title")
    )
    assert (view.release.slug, view.release.version) == ("big-news", 3)
    assert isinstance(uow.events[-1], ReleaseUpdated)
    assert uow.events[-1].title == "Corrected title"


async def test_editing_a_draft_title_follows_with_the_slug(uow, deps, caller, newsroom):
    await draft(uow, deps, caller, newsroom, title="Other")
    release = await draft(uow, deps, caller, newsroom)
    view = await releases.edit_release(uow, deps, caller, release.id, ContentChanges(title="Other"))
    assert view.release.slug == "other-2"
    assert uow.events == []


async def test_if_match_mismatch_changes_nothing(uow, deps, caller, newsroom):
    release = await draft(uow, deps, caller, newsroom)
    with pytest.raises(VersionMismatchError):
        await workflow.publish(uow, deps, caller, release.id, if_match=2)
    stored = await uow.releases.get(caller.tenant_id, release.id)
    assert (stored.status, stored.version, uow.events) == (Status.DRAFT, 1, [])
    await workflow.publish(uow, deps, caller, release.id, if_match=1)


async def test_an_approval_newsroom_needs_review_before_publication(uow, deps, caller):
    room = await newsrooms.create_newsroom(
        uow, deps, caller, name="Strict", default_language="en", requires_approval=True
    )
    release = await draft(uow, deps, caller, room)
    with pytest.raises(IllegalTransitionError, match="requires approval"):
        await workflow.publish(uow, deps, caller, release.id)
    await workflow.submit(uow, deps, caller, release.id)
    rejected = await workflow.reject(uow, deps, caller, release.id, comment="Fix the lead")
    assert (rejected.release.status, rejected.release.review_comment) == (
        Status.DRAFT, "Fix the lead",
    )  # fmt: skip
    await workflow.submit(uow, deps, caller, release.id)
    await workflow.approve(uow, deps, caller, release.id)
    view = await workflow.publish(uow, deps, caller, release.id)
    assert view.release.status is Status.PUBLISHED
    versions = await releases.list_versions(uow, caller, release.id, after_version=None, limit=10)
    assert [v.action for v in versions.items] == [
        "publish", "approve", "submit", "reject", "submit", "create",
    ]  # fmt: skip


async def test_embargo_emits_release_embargoed_with_a_preview_url(uow, deps, caller, newsroom):
    release = await draft(uow, deps, caller, newsroom)
    until = deps.clock.now() + timedelta(hours=2)
    view = await workflow.publish(uow, deps, caller, release.id, embargo_until=until)
    assert view.release.status is Status.EMBARGOED
    [event] = uow.events
    assert isinstance(event, ReleaseEmbargoed)
    assert event.embargo_until == until
    assert event.preview_url.startswith("https://news.test/preview/")


async def test_withdraw_emits_release_withdrawn(uow, deps, caller, newsroom):
    release = await draft(uow, deps, caller, newsroom)
    await workflow.publish(uow, deps, caller, release.id)
    await workflow.withdraw(uow, deps, caller, release.id, reason="legal")
    assert isinstance(uow.events[-1], ReleaseWithdrawn)
    assert uow.events[-1].reason == "legal"


async def test_only_unpublished_releases_can_be_deleted(uow, deps, caller, newsroom):
    keep = await draft(uow, deps, caller, newsroom)
    gone = await draft(uow, deps, caller, newsroom)
    await releases.delete_release(uow, caller, gone.id)
    with pytest.raises(NotFoundError):
        await releases.get_release(uow, caller, gone.id)
    assert await uow.versions.page(caller.tenant_id, gone.id, after_version=None, limit=5) == []
    await workflow.publish(uow, deps, caller, keep.id)
    with pytest.raises(IllegalTransitionError, match="cannot delete"):
        await releases.delete_release(uow, caller, keep.id)


async def test_another_tenant_sees_nothing(uow, deps, caller, newsroom):
    release = await draft(uow, deps, caller, newsroom)
    stranger = Caller("s" * 24, "x")
    with pytest.raises(NotFoundError):
        await releases.get_release(uow, stranger, release.id)
    with pytest.raises(NotFoundError):
        await workflow.publish(uow, deps, stranger, release.id)
    with pytest.raises(NotFoundError):
        await releases.create_release(
            uow, deps, stranger, newsroom_id=newsroom.id, changes=ContentChanges(title="x")
        )
    listed = await releases.list_releases(uow, stranger, ReleaseFilter(), after_id=None, limit=10)
    assert listed.items == []


async def test_listing_filters_and_pages(uow, deps, caller, newsroom):
    ids = [(await draft(uow, deps, caller, newsroom, tags=[f"t{i % 2}"])).id for i in range(5)]
    await workflow.publish(uow, deps, caller, ids[0])
    page = await releases.list_releases(uow, caller, ReleaseFilter(), after_id=None, limit=2)
    assert [v.release.id for v in page.items] == [ids[4], ids[3]]
    assert page.more
    rest = await releases.list_releases(uow, caller, ReleaseFilter(), after_id=ids[3], limit=5)
    assert [v.release.id for v in rest.items] == [ids[2], ids[1], ids[0]]
    assert not rest.more
    tagged = await releases.list_releases(
        uow, caller, ReleaseFilter(tag="t0"), after_id=None, limit=10
    )
    assert {v.release.id for v in tagged.items} == {ids[0], ids[2], ids[4]}
    published = await releases.list_releases(
        uow, caller, ReleaseFilter(status=Status.PUBLISHED), after_id=None, limit=10
    )
    assert [v.release.id for v in published.items] == [ids[0]]
