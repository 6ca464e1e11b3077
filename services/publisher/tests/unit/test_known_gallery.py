"""The release gallery read model: order, captions, versions, the one current gallery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsroom_shared.events.media import GalleryDeleted, GalleryPlace, GalleryUpdated
from publisher.domain.gallery import GalleryPlace as Place
from publisher.domain.gallery import KnownGallery, current_gallery, in_gallery_order
from publisher.service.galleries import on_gallery_event

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def known(gallery_id: str, version: int, *places: Place, at: datetime = NOW) -> KnownGallery:
    return KnownGallery("t1", gallery_id, "r1", version, places, at)


def test_the_gallery_order_first_then_the_releases_others() -> None:
    gallery = known("g1", 1, Place("m3", "Dawn"), Place("gone"), Place("m1"))
    assert in_gallery_order(["m1", "m2", "m3"], gallery) == [("m3", "Dawn"), ("m1", ""), ("m2", "")]
    assert in_gallery_order(["m1", "m2"], None) == [("m1", ""), ("m2", "")]


def test_of_two_galleries_naming_a_release_the_last_changed_is_current() -> None:
    older, newer = known("g1", 5), known("g2", 1, at=NOW + timedelta(seconds=1))
    assert current_gallery([older, newer]) == newer
    assert current_gallery([]) is None


async def test_old_news_never_overwrites_and_a_deletion_stays(uow) -> None:
    def updated(version: int, caption: str) -> GalleryUpdated:
        place = GalleryPlace(media_id="m1", caption=caption)
        return GalleryUpdated(
            tenant_id="t1",
            gallery_id="g1",
            release_id="r1",
            version=version,
            items=[place],
            updated_at=NOW,
        )

    assert await on_gallery_event(uow, updated(2, "two"))
    assert not await on_gallery_event(uow, updated(1, "one"))
    assert not await on_gallery_event(uow, updated(2, "two again"))
    assert (await uow.galleries.naming("t1", ["r1"]))[0].places == (Place("m1", "two"),)
    deleted = GalleryDeleted(
        tenant_id="t1", gallery_id="g1", release_id="r1", version=3, deleted_at=NOW
    )
    assert await on_gallery_event(uow, deleted)
    assert not await on_gallery_event(uow, updated(2, "late"))
    assert await uow.galleries.naming("t1", ["r1"]) == []
    assert await uow.galleries.naming("t2", ["r1"]) == []
