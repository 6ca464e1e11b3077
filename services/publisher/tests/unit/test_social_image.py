"""The release events carry the social-card image: the chosen, processed image, or nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from newsroom_shared.events.media import MediaDeleted, MediaProcessed, MediaRejected, Rendition
from newsroom_shared.events.publisher import (
    ReleaseEmbargoed,
    ReleaseImage,
    ReleasePublished,
    ReleaseUpdated,
)
from publisher.domain.content import ContentChanges
from publisher.domain.errors import MediaNotPublishableError
from publisher.domain.gallery import GalleryPlace, KnownGallery
from publisher.service import media, newsrooms, releases, scheduler, workflow

T0 = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
async def newsroom(uow, deps, caller):
    return await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="en")


async def draft(uow, deps, caller, newsroom, **fields):
    changes = ContentChanges(title="News", **fields)
    view = await releases.create_release(
        uow, deps, caller, newsroom_id=newsroom.id, changes=changes
    )
    return view.release


def processed(
    tenant_id: str,
    media_id: str,
    *,
    kind: str = "image",
    content_type: str = "image/jpeg",
    url: str | None = None,
    renditions: list[Rendition] | None = None,
    at: datetime = T0,
) -> MediaProcessed:
    return MediaProcessed(
        tenant_id=tenant_id, media_id=media_id, kind=kind, content_type=content_type,
        filename="f", url=url or f"https://cdn.example/{media_id}", alt_text=f"alt {media_id}",
        renditions=renditions or [], processed_at=at,
    )  # fmt: skip


async def published_event(uow, deps, caller, release_id: str) -> ReleasePublished:
    await workflow.publish(uow, deps, caller, release_id)
    found = [e for e in uow.events if isinstance(e, ReleasePublished)]
    assert len(found) == 1
    return found[0]


async def test_default_image_is_the_first_processed_image_at_its_social_card_rendition(
    uow, deps, caller, newsroom
):
    card = Rendition(
        name="social_card", content_type="image/jpeg", url="https://cdn.example/m2/card.jpg",
        width=1200, height=630, bytes=1000,
    )  # fmt: skip
    for news in (
        processed(caller.tenant_id, "m1", kind="document", content_type="application/pdf"),
        processed(caller.tenant_id, "m2", renditions=[card]),
        processed(caller.tenant_id, "m3"),
    ):
        await media.on_media_event(uow, deps, news)
    release = await draft(uow, deps, caller, newsroom, media_ids=["m1", "m2", "m3"])

    event = await published_event(uow, deps, caller, release.id)

    assert event.image == ReleaseImage(
        url="https://cdn.example/m2/card.jpg", alt_text="alt m2", width=1200, height=630
    )


async def test_without_a_named_image_the_events_take_the_galleries_first_picture(
    uow, deps, caller, newsroom
):
    for media_id in ("m1", "m2", "m3"):
        await media.on_media_event(uow, deps, processed(caller.tenant_id, media_id))
    release = await draft(uow, deps, caller, newsroom, media_ids=["m1", "m2", "m3"])
    places = (GalleryPlace("m3", "Third first"), GalleryPlace("m1", ""))
    await uow.galleries.put(KnownGallery(caller.tenant_id, "g1", release.id, 2, places, T0))

    event = await published_event(uow, deps, caller, release.id)

    assert event.image is not None
    assert event.image.url == "https://cdn.example/m3"  # the page's first picture too


async def test_the_named_image_wins_and_uses_the_original_dimensions_without_a_card(
    uow, deps, caller, newsroom
):
    original = Rendition(
        name="original", content_type="image/png", url="https://cdn.example/m2/o.png",
        width=800, height=600, bytes=10,
    )  # fmt: skip
    await media.on_media_event(uow, deps, processed(caller.tenant_id, "m1"))
    await media.on_media_event(
        uow,
        deps,
        processed(caller.tenant_id, "m2", content_type="image/png", renditions=[original]),
    )
    release = await draft(
        uow, deps, caller, newsroom, media_ids=["m1", "m2"], social_card_media_id="m2"
    )

    event = await published_event(uow, deps, caller, release.id)

    assert event.image == ReleaseImage(
        url="https://cdn.example/m2", alt_text="alt m2", width=800, height=600
    )


@pytest.mark.parametrize(
    "news",
    [
        [processed("T", "m1", kind="video", content_type="video/mp4")],
        [processed("T", "m1", url="http://insecure.example/m1")],
    ],
    ids=["not-an-image", "not-https"],
)
async def test_no_image_unless_the_item_is_a_processed_https_image(
    uow, deps, caller, newsroom, news
):
    for event in news:
        mine = event.model_copy(update={"tenant_id": caller.tenant_id})
        await media.on_media_event(uow, deps, mine)
    release = await draft(uow, deps, caller, newsroom, media_ids=["m1"])

    event = await published_event(uow, deps, caller, release.id)

    assert event.image is None


async def test_a_named_item_that_is_not_showable_gives_no_image_not_another_one(
    uow, deps, caller, newsroom
):
    await media.on_media_event(uow, deps, processed(caller.tenant_id, "m1"))
    video = processed(caller.tenant_id, "m2", kind="video", content_type="video/mp4")
    await media.on_media_event(uow, deps, video)
    release = await draft(
        uow, deps, caller, newsroom, media_ids=["m1", "m2"], social_card_media_id="m2"
    )
    assert (await published_event(uow, deps, caller, release.id)).image is None


async def test_an_item_rejected_after_publication_leaves_the_correction_without_image(
    uow, deps, caller, newsroom
):
    await media.on_media_event(uow, deps, processed(caller.tenant_id, "m1", at=T0))
    release = await draft(uow, deps, caller, newsroom, media_ids=["m1"])
    assert (await published_event(uow, deps, caller, release.id)).image is not None
    rejected = MediaRejected(tenant_id=caller.tenant_id, media_id="m1", reason="bad",
                             rejected_at=T0 + timedelta(minutes=1))  # fmt: skip
    await media.on_media_event(uow, deps, rejected)

    await releases.edit_release(uow, deps, caller, release.id, ContentChanges(lead="Fixed"))

    updates = [e for e in uow.events if isinstance(e, ReleaseUpdated)]
    assert [e.image for e in updates] == [None]


async def test_embargo_scheduled_publication_and_corrections_carry_the_image(
    uow, deps, caller, newsroom, clock
):
    await media.on_media_event(uow, deps, processed(caller.tenant_id, "m1"))
    release = await draft(uow, deps, caller, newsroom, media_ids=["m1"])
    until = clock.now() + timedelta(hours=1)
    await workflow.publish(uow, deps, caller, release.id, embargo_until=until)
    clock.advance(timedelta(hours=2))
    for due in await scheduler.find_due(uow, deps, limit=10):
        await scheduler.publish_due(uow, deps, due)
    await releases.edit_release(uow, deps, caller, release.id, ContentChanges(lead="Fixed"))
    deleted = MediaDeleted(tenant_id=caller.tenant_id, media_id="m1", deleted_at=T0)
    await media.on_media_event(uow, deps, deleted)
    await releases.edit_release(uow, deps, caller, release.id, ContentChanges(lead="Again"))

    kinds = [(type(e).__name__, e.image) for e in uow.events if hasattr(e, "image")]
    image = ReleaseImage(url="https://cdn.example/m1", alt_text="alt m1")
    assert kinds == [
        (ReleaseEmbargoed.__name__, image),
        (ReleasePublished.__name__, image),
        (ReleaseUpdated.__name__, image),
        (ReleaseUpdated.__name__, None),
    ]


def described(tenant_id: str, media_id: str, *, alt_text: str, decorative: bool = False):
    return processed(tenant_id, media_id).model_copy(
        update={"alt_text": alt_text, "decorative": decorative}
    )


@pytest.mark.parametrize(
    ("news", "reason"),
    [
        ([], "still being processed"),
        ([MediaRejected(tenant_id="T", media_id="m1", reason="bad", rejected_at=T0)], "rejected"),
        ([processed("o" * 24, "m1")], "still being processed"),  # another tenant's item
        ([described("T", "m1", alt_text="  ")], "no alt text"),
    ],
    ids=["pending", "rejected", "other-tenant", "no-alt-text"],
)
async def test_a_release_goes_public_only_with_ready_and_described_media(
    uow, deps, caller, newsroom, clock, news, reason
):
    for event in news:
        if event.tenant_id == "T":
            event = event.model_copy(update={"tenant_id": caller.tenant_id})
        await media.on_media_event(uow, deps, event)
    await media.on_media_event(uow, deps, processed(caller.tenant_id, "m0"))
    release = await draft(uow, deps, caller, newsroom, media_ids=["m0", "m1"])
    later = clock.now() + timedelta(hours=1)

    for attempt in (
        workflow.publish(uow, deps, caller, release.id),
        workflow.publish(uow, deps, caller, release.id, embargo_until=later),
        workflow.schedule(uow, deps, caller, release.id, publish_at=later),
    ):
        with pytest.raises(MediaNotPublishableError) as refused:
            await attempt
        assert [media_id for media_id, _ in refused.value.problems] == ["m1"]
        assert reason in refused.value.problems[0][1]

    assert (await releases.get_release(uow, caller, release.id)).release.status == "draft"
    assert not [e for e in uow.events if isinstance(e, ReleasePublished | ReleaseEmbargoed)]


async def test_a_decorative_image_or_a_document_needs_no_alt_text(uow, deps, caller, newsroom):
    decorative = described(caller.tenant_id, "m1", alt_text="", decorative=True)
    await media.on_media_event(uow, deps, decorative)
    pdf = processed(caller.tenant_id, "m2", kind="document", content_type="application/pdf")
    await media.on_media_event(uow, deps, pdf.model_copy(update={"alt_text": ""}))
    release = await draft(uow, deps, caller, newsroom, media_ids=["m1", "m2"])

    assert await published_event(uow, deps, caller, release.id)


async def test_a_correction_may_not_add_an_undescribed_image_but_is_never_blocked_by_old_ones(
    uow, deps, caller, newsroom
):
    await media.on_media_event(uow, deps, processed(caller.tenant_id, "m1", at=T0))
    release = await draft(uow, deps, caller, newsroom, media_ids=["m1"])
    await published_event(uow, deps, caller, release.id)
    cleared = described(caller.tenant_id, "m1", alt_text="").model_copy(
        update={"processed_at": T0 + timedelta(minutes=1)}
    )
    await media.on_media_event(uow, deps, cleared)  # alt text removed in media afterwards
    await media.on_media_event(uow, deps, described(caller.tenant_id, "m2", alt_text=""))

    await releases.edit_release(uow, deps, caller, release.id, ContentChanges(lead="Typo fixed"))
    with pytest.raises(MediaNotPublishableError, match="'m2'"):
        await releases.edit_release(
            uow, deps, caller, release.id, ContentChanges(media_ids=["m1", "m2"])
        )

    assert (await releases.get_release(uow, caller, release.id)).release.content.media_ids == ["m1"]
