"""Who gets a release's press kit, and what is in it, on in-memory fakes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from media_support import corpus
from media_support.chunks import chunks_of
from media_support.releases import embargoed, published, withdrawn

from media.domain.errors import MediaNotFoundError, NotPublicError, WithdrawnError
from media.domain.gallery import GalleryItem
from media.service import galleries
from media.service.ports import Caller
from media.service.press_kit import open_press_kit, signed_kit
from media.service.processing import process_next
from media.service.releases import release_changed
from media.service.serving import Proof
from media.service.uploads import upload

A = Caller("tenant-a")


async def two_items(uow, deps, renderer) -> list[str]:
    ids = []
    for name in ("first.jpg", "second.jpg"):
        item = await upload(
            uow, deps, A, chunks_of(corpus.jpeg(50, 40)), filename=name, announced_bytes=None
        )
        ids.append(item.media_id)
    while await process_next(uow, uow, deps, renderer, instance="w", lease_s=60):
        pass
    return ids


async def test_a_public_release_kit_follows_its_gallery(uow, deps, renderer) -> None:
    m1, m2 = await two_items(uow, deps, renderer)
    places = [GalleryItem(m2, "Second, shown first")]
    await galleries.create(uow, deps, A, title="G", release_id="r1", items=places)
    with pytest.raises(NotPublicError):
        await open_press_kit(uow, deps, "tenant-a", "r1", Proof())
    await release_changed(uow, published("r1", [m1, m2]))

    kit = await open_press_kit(uow, deps, "tenant-a", "r1", Proof())
    assert kit.public
    assert [e.arcname for e in kit.plan.entries] == ["01-second.jpg", "02-first.jpg"]
    assert [e.caption for e in kit.plan.entries] == ["Second, shown first", ""]
    assert [c.length for c in kit.contents] == [e.size for e in kit.plan.entries]
    with pytest.raises(NotPublicError):
        await open_press_kit(uow, deps, "tenant-b", "r1", Proof())

    await release_changed(uow, withdrawn("r1"))
    with pytest.raises(WithdrawnError):
        await open_press_kit(uow, deps, "tenant-a", "r1", Proof())


async def test_an_embargoed_kit_needs_staff_or_a_signed_link(uow, deps, renderer) -> None:
    m1, _ = await two_items(uow, deps, renderer)
    with pytest.raises(MediaNotFoundError):  # not known: no link to a draft's kit
        await signed_kit(uow, deps, A, "r1", ttl_s=60)
    await release_changed(uow, embargoed("r1", [m1]))
    with pytest.raises(NotPublicError):
        await open_press_kit(uow, deps, "tenant-a", "r1", Proof())
    assert not (await open_press_kit(uow, deps, "tenant-a", "r1", Proof(staff=True))).public

    link = await signed_kit(uow, deps, A, "r1", ttl_s=60)
    query = parse_qs(urlsplit(link.url).query)
    proof = Proof(expires=query["expires"][0], signature=query["signature"][0])
    kit = await open_press_kit(uow, deps, "tenant-a", "r1", proof)
    assert [e.item.media_id for e in kit.plan.entries] == [m1]
