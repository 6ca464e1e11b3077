"""Galleries: ordered, captioned, of the tenant's own items, one per release; the public sees a
public release's gallery, only the items the release names and that are processed."""

from __future__ import annotations

import pytest
from media_support import corpus
from media_support.chunks import chunks_of
from media_support.releases import embargoed, published, withdrawn

from media.domain.errors import (
    InvalidInputError,
    MediaNotFoundError,
    NotPublicError,
    ReleaseHasGalleryError,
    WithdrawnError,
)
from media.domain.gallery import GalleryItem
from media.service import galleries, public
from media.service.ports import Caller
from media.service.processing import process_next
from media.service.releases import release_changed
from media.service.uploads import upload
from newsroom_shared.events.media import GalleryDeleted, GalleryPlace, GalleryUpdated

A, B = Caller("tenant-a"), Caller("tenant-b")


async def items(uow, deps, renderer, count: int, caller: Caller = A) -> list[str]:
    ids = []
    for n in range(count):
        item = await upload(
            uow,
            deps,
            caller,
            chunks_of(corpus.jpeg(40 + n, 30)),
            filename="a.jpg",
            announced_bytes=None,
        )
        ids.append(item.media_id)
    while await process_next(uow, uow, deps, renderer, instance="w", lease_s=60):
        pass
    return ids


async def gallery_of(uow, deps, media_ids, release_id=None):
    places = [GalleryItem(m, f"caption {n}") for n, m in enumerate(media_ids)]
    return await galleries.create(uow, deps, A, title="Launch", release_id=release_id, items=places)


async def test_reorder_and_caption(uow, deps, renderer, clock) -> None:
    m1, m2, m3 = await items(uow, deps, renderer, 3)
    gallery = await gallery_of(uow, deps, [m1, m2, m3])
    now = clock.now()
    moved = await galleries.change(
        uow, A, gallery.gallery_id, lambda g: g.reordered([m3, m1, m2], now)
    )
    assert moved.media_ids == (m3, m1, m2)
    assert moved.items[0].caption == "caption 2"  # a caption moves with its item
    captioned = await galleries.change(
        uow, A, gallery.gallery_id, lambda g: g.captioned(m1, "The pad at dawn", now)
    )
    assert captioned.items[1] == GalleryItem(m1, "The pad at dawn")
    assert captioned.version == gallery.version + 2

    with pytest.raises(InvalidInputError, match="every item"):
        await galleries.change(uow, A, gallery.gallery_id, lambda g: g.reordered([m1, m2], now))
    with pytest.raises(MediaNotFoundError):
        await galleries.change(uow, A, gallery.gallery_id, lambda g: g.captioned("x", "", now))


async def test_only_the_tenants_own_items_once_each(uow, deps, renderer) -> None:
    (theirs,) = await items(uow, deps, renderer, 1, caller=B)
    (mine,) = await items(uow, deps, renderer, 1)
    with pytest.raises(InvalidInputError, match="unknown media"):
        await gallery_of(uow, deps, [mine, theirs])
    with pytest.raises(InvalidInputError, match="once"):
        await gallery_of(uow, deps, [mine, mine])
    gallery = await gallery_of(uow, deps, [mine])
    with pytest.raises(MediaNotFoundError):
        await galleries.get(uow, B, gallery.gallery_id)
    with pytest.raises(MediaNotFoundError):
        await galleries.delete(uow, deps, B, gallery.gallery_id)


async def test_one_gallery_per_release(uow, deps, renderer) -> None:
    (mine,) = await items(uow, deps, renderer, 1)
    await gallery_of(uow, deps, [mine], release_id="r1")
    with pytest.raises(ReleaseHasGalleryError):
        await gallery_of(uow, deps, [], release_id="r1")


async def test_the_public_sees_a_public_releases_gallery_only(uow, deps, renderer) -> None:
    m1, m2, outside = await items(uow, deps, renderer, 3)
    await gallery_of(uow, deps, [m2, outside, m1], release_id="r1")
    with pytest.raises(NotPublicError):  # not known: a draft, maybe
        await public.release_gallery(uow, "tenant-a", "r1")
    await release_changed(uow, embargoed("r1", [m1, m2]))
    with pytest.raises(NotPublicError):
        await public.release_gallery(uow, "tenant-a", "r1")

    await release_changed(uow, published("r1", [m1, m2]))
    found = await public.release_gallery(uow, "tenant-a", "r1")
    assert [s.item.media_id for s in found.shown] == [m2, m1]  # not the one the release omits
    assert [s.place.caption for s in found.shown] == ["caption 0", "caption 2"]
    with pytest.raises(NotPublicError):
        await public.release_gallery(uow, "tenant-b", "r1")

    await release_changed(uow, withdrawn("r1"))
    with pytest.raises(WithdrawnError):
        await public.release_gallery(uow, "tenant-a", "r1")


async def test_every_change_is_told_through_the_outbox(uow, deps, renderer, clock) -> None:
    m1, m2 = await items(uow, deps, renderer, 2)
    gallery = await gallery_of(uow, deps, [m1, m2], release_id="r1")
    now = clock.now()
    await galleries.change(uow, A, gallery.gallery_id, lambda g: g.reordered([m2, m1], now))
    await galleries.change(uow, A, gallery.gallery_id, lambda g: g.captioned(m1, "Dawn", now))
    with pytest.raises(MediaNotFoundError):  # a refused change tells nothing
        await galleries.change(uow, A, gallery.gallery_id, lambda g: g.captioned("x", "", now))
    await galleries.delete(uow, deps, A, gallery.gallery_id)

    told = [e for e in uow.events if isinstance(e, GalleryUpdated | GalleryDeleted)]
    assert [(type(e), e.version) for e in told] == [
        (GalleryUpdated, 1),
        (GalleryUpdated, 2),
        (GalleryUpdated, 3),
        (GalleryDeleted, 4),  # above every update, so no late update outranks it
    ]
    last = told[2]
    assert isinstance(last, GalleryUpdated)
    assert (last.tenant_id, last.gallery_id, last.release_id) == (
        "tenant-a",
        gallery.gallery_id,
        "r1",
    )
    assert last.items == [
        GalleryPlace(media_id=m2, caption="caption 1"),
        GalleryPlace(media_id=m1, caption="Dawn"),
    ]
    assert told[3].release_id == "r1"


async def test_republishing_tells_every_gallery_of_every_tenant_again(uow, deps, renderer) -> None:
    (mine,) = await items(uow, deps, renderer, 1)
    made = [await gallery_of(uow, deps, [mine], release_id=f"r{n}") for n in range(3)]
    other = await galleries.create(uow, deps, B, title="B", release_id="r1", items=[])
    uow.events.clear()

    assert await galleries.republish(uow, batch_size=2) == 4
    told = [e for e in uow.events if isinstance(e, GalleryUpdated)]
    expected = sorted([*made, other], key=lambda g: g.gallery_id)
    assert [(e.tenant_id, e.gallery_id, e.version) for e in told] == [
        (g.tenant_id, g.gallery_id, g.version) for g in expected
    ]
