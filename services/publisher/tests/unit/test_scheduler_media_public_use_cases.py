from datetime import UTC, datetime, timedelta

import pytest

from newsroom_shared.events.media import MediaDeleted, MediaProcessed, MediaRejected, Rendition
from newsroom_shared.events.publisher import ReleasePublished
from publisher.domain.content import ContentChanges, MediaState
from publisher.domain.errors import InvalidInputError, NotFoundError
from publisher.domain.workflow import Status
from publisher.service import media, newsrooms, public, releases, scheduler, workflow
from publisher.service.ports import PublicPosition


@pytest.fixture
async def newsroom(uow, deps, caller):
    room = await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="en")
    uow.events.clear()  # its NewsroomCreated: these tests count release events
    return room


async def draft(uow, deps, caller, newsroom, **fields):
    changes = ContentChanges(title=fields.pop("title", "News"), **fields)
    view = await releases.create_release(
        uow, deps, caller, newsroom_id=newsroom.id, changes=changes
    )
    return view.release


async def run_scheduler(uow, deps) -> int:
    published = 0
    for due in await scheduler.find_due(uow, deps, limit=10):
        published += await scheduler.publish_due(uow, deps, due)
    return published


async def test_scheduled_and_embargoed_releases_publish_when_due_once(uow, deps, caller, newsroom):
    scheduled = await draft(uow, deps, caller, newsroom, title="Scheduled")
    embargoed = await draft(uow, deps, caller, newsroom, title="Embargoed")
    start = deps.clock.now()
    await workflow.schedule(
        uow, deps, caller, scheduled.id, publish_at=start + timedelta(minutes=1)
    )
    await workflow.publish(
        uow, deps, caller, embargoed.id, embargo_until=start + timedelta(minutes=2)
    )
    assert await run_scheduler(uow, deps) == 0

    deps.clock.advance(timedelta(minutes=1))
    assert await run_scheduler(uow, deps) == 1
    deps.clock.advance(timedelta(minutes=5))
    assert await run_scheduler(uow, deps) == 1
    assert await run_scheduler(uow, deps) == 0

    published = [e for e in uow.events if isinstance(e, ReleasePublished)]
    assert [(e.release_id, e.embargo_until) for e in published] == [
        (scheduled.id, None), (embargoed.id, start + timedelta(minutes=2)),
    ]  # fmt: skip
    assert published[1].published_at == start + timedelta(minutes=2)


async def test_a_stale_due_entry_publishes_nothing(uow, deps, caller, newsroom):
    release = await draft(uow, deps, caller, newsroom)
    await workflow.schedule(
        uow, deps, caller, release.id, publish_at=deps.clock.now() + timedelta(seconds=5)
    )
    deps.clock.advance(10)
    [due] = await scheduler.find_due(uow, deps, limit=10)
    assert await scheduler.publish_due(uow, deps, due)
    assert not await scheduler.publish_due(uow, deps, due)  # a second replica with the same list
    assert len(uow.events) == 1


async def test_unscheduled_releases_are_not_due(uow, deps, caller, newsroom):
    release = await draft(uow, deps, caller, newsroom)
    await workflow.schedule(
        uow, deps, caller, release.id, publish_at=deps.clock.now() + timedelta(1)
    )
    await workflow.unschedule(uow, deps, caller, release.id)
    deps.clock.advance(timedelta(days=2))
    assert await scheduler.find_due(uow, deps, limit=10) == []


def processed(tenant_id: str, media_id: str, at: datetime) -> MediaProcessed:
    return MediaProcessed(
        tenant_id=tenant_id, media_id=media_id, kind="image", content_type="image/png",
        filename="a.png", url="https://cdn/a.png", processed_at=at,
    )  # fmt: skip


async def test_media_events_update_the_refs_of_the_tenants_releases(uow, deps, caller, newsroom):
    release = await draft(uow, deps, caller, newsroom, media_ids=["m1", "m2"])
    t0 = datetime(2030, 1, 1, tzinfo=UTC)
    assert await media.on_media_event(uow, deps, processed(caller.tenant_id, "m1", t0)) == 1
    other_tenant = processed("o" * 24, "m2", t0)
    assert await media.on_media_event(uow, deps, other_tenant) == 0
    rejected = MediaRejected(tenant_id=caller.tenant_id, media_id="m2", reason="x", rejected_at=t0)
    assert await media.on_media_event(uow, deps, rejected) == 1

    stored = await uow.releases.get(caller.tenant_id, release.id)
    assert [(r.media_id, r.state) for r in stored.media] == [
        ("m1", MediaState.READY), ("m2", MediaState.REJECTED),
    ]  # fmt: skip
    assert stored.version == release.version

    # Older news (reordered topics) does not overwrite newer news.
    stale = processed(caller.tenant_id, "m2", t0 - timedelta(minutes=1))
    assert await media.on_media_event(uow, deps, stale) == 0

    # A release created later sees what we already know.
    later = await draft(uow, deps, caller, newsroom, title="Later", media_ids=["m1"])
    assert later.media[0].state is MediaState.READY


async def test_an_item_rendered_again_replaces_what_the_publisher_knows(uow, deps, caller):
    """media's ``rerender`` announces an item again, later, with more renditions (AVIF and
    the public original): the read model takes the newer news."""
    t0 = datetime(2030, 1, 1, tzinfo=UTC)

    def rendition(name: str, content_type: str) -> Rendition:
        url = f"https://cdn/{name}"
        return Rendition(name=name, content_type=content_type, url=url, width=320, bytes=9)

    jpeg = rendition("thumbnail", "image/jpeg")
    before = processed(caller.tenant_id, "m1", t0).model_copy(update={"renditions": [jpeg]})
    again = processed(caller.tenant_id, "m1", t0 + timedelta(days=30)).model_copy(
        update={
            "url": "https://cdn/public_original",
            "renditions": [jpeg, rendition("thumbnail_avif", "image/avif")],
        }
    )
    await media.on_media_event(uow, deps, before)
    await media.on_media_event(uow, deps, again)
    async with uow:
        known = await uow.media.get(caller.tenant_id, "m1")
    assert known.details.original_url == "https://cdn/public_original"
    assert [s.content_type for s in known.details.sources] == ["image/avif", "image/jpeg"]
    await media.on_media_event(uow, deps, before)  # redelivered older news changes nothing
    async with uow:
        assert await uow.media.get(caller.tenant_id, "m1") == known


async def test_publishing_records_the_refs_it_checked(uow, deps, caller, newsroom):
    # The draft was made while the consumer recorded the item's news, neither seeing the other:
    # its ref stayed pending though the news is recorded (no release updated by it).
    release = await draft(uow, deps, caller, newsroom, media_ids=["m1"])
    assert release.media[0].state is MediaState.PENDING
    described = processed(caller.tenant_id, "m1", datetime(2030, 1, 1, tzinfo=UTC))
    described = described.model_copy(update={"alt_text": "A red car"})
    async with uow:
        await uow.media.put(media.item_of(described, deps))

    published = await workflow.publish(uow, deps, caller, release.id)
    assert [(r.media_id, r.state) for r in published.release.media] == [("m1", MediaState.READY)]
    stored = await uow.releases.get(caller.tenant_id, release.id)
    assert stored.ready_media_ids() == ["m1"]  # what the public page shows


async def test_deleted_media_is_dropped_and_can_no_longer_be_referenced(
    uow, deps, caller, newsroom
):
    release = await draft(uow, deps, caller, newsroom, media_ids=["m1"], social_card_media_id="m1")
    t0 = datetime(2030, 1, 1, tzinfo=UTC)
    deleted = MediaDeleted(tenant_id=caller.tenant_id, media_id="m1", deleted_at=t0)
    assert await media.on_media_event(uow, deps, deleted) == 1
    stored = await uow.releases.get(caller.tenant_id, release.id)
    assert (stored.media, stored.content.media_ids, stored.content.social_card_media_id) == (
        [], [], None,
    )  # fmt: skip
    late = processed(caller.tenant_id, "m1", t0 + timedelta(minutes=1))
    assert await media.on_media_event(uow, deps, late) == 0
    with pytest.raises(InvalidInputError, match="was deleted"):
        await draft(uow, deps, caller, newsroom, media_ids=["m1"])


async def test_public_listing_shows_published_only_newest_first(uow, deps, caller, newsroom):
    old = await draft(uow, deps, caller, newsroom, title="Old", tags=["x"])
    new = await draft(uow, deps, caller, newsroom, title="New")
    hidden = await draft(uow, deps, caller, newsroom, title="Hidden")
    await workflow.publish(uow, deps, caller, old.id)
    deps.clock.advance(60)
    await workflow.publish(uow, deps, caller, new.id)
    until = deps.clock.now() + timedelta(hours=1)
    await workflow.publish(uow, deps, caller, hidden.id, embargo_until=until)

    page = await public.public_releases(uow, "acme", tag=None, language=None, after=None, limit=1)
    assert [v.release.id for v in page.items] == [new.id]
    assert page.more
    last = page.items[-1].release
    after = PublicPosition(last.published_at, last.id)
    rest = await public.public_releases(uow, "acme", tag=None, language=None, after=after, limit=5)
    assert [v.release.id for v in rest.items] == [old.id]
    assert not rest.more
    tagged = await public.public_releases(uow, "acme", tag="X", language=None, after=None, limit=5)
    assert [v.release.id for v in tagged.items] == [old.id]
    assert (await public.public_release(uow, "acme", "old")).release.id == old.id
    with pytest.raises(NotFoundError):
        await public.public_release(uow, "acme", "hidden")


async def test_a_preview_link_shows_the_embargoed_release_until_the_lift(
    uow, deps, caller, newsroom
):
    release = await draft(uow, deps, caller, newsroom)
    with pytest.raises(Exception, match="preview links are for embargoed releases"):
        await workflow.create_preview_link(uow, deps, caller, release.id)
    until = deps.clock.now() + timedelta(hours=1)
    await workflow.publish(uow, deps, caller, release.id, embargo_until=until)
    link = await workflow.create_preview_link(uow, deps, caller, release.id)
    assert link.expires_at == until
    assert (await public.preview(uow, deps, link.token)).release.status is Status.EMBARGOED
    deps.clock.set(until)
    with pytest.raises(NotFoundError):
        await public.preview(uow, deps, link.token)
    with pytest.raises(NotFoundError):
        await public.preview(uow, deps, "garbage")
