"""Serving decides by the item's releases: public, staff-only behind keys and signed links,
withdrawn."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from media_support import corpus
from media_support.chunks import chunks_of
from media_support.releases import published, withdrawn

from media.domain.errors import (
    BadSignatureError,
    LinkExpiredError,
    MediaNotFoundError,
    NotPublicError,
    WithdrawnError,
)
from media.domain.item import MediaItem
from media.domain.releases import Access
from media.domain.renditions import StoredFile
from media.service import links
from media.service.logos import newsroom_changed
from media.service.ports import Caller
from media.service.processing import process_next
from media.service.releases import release_changed
from media.service.serving import Proof, open_file
from media.service.uploads import upload
from newsroom_shared.events.publisher import NewsroomUpdated

A = Caller("tenant-a")


async def processed_item(uow, deps, renderer) -> MediaItem:
    item = await upload(
        uow, deps, A, chunks_of(corpus.jpeg(64, 48)), filename="a.jpg", announced_bytes=None
    )
    assert await process_next(uow, uow, deps, renderer, instance="w", lease_s=60)
    async with uow:
        processed = await uow.media.get("tenant-a", item.media_id)
    assert processed is not None
    return processed


def name_of(item: MediaItem, file: StoredFile | None) -> str:
    assert file is not None
    return file.path(item.tenant_id, item.media_id).rsplit("/", 1)[1]


async def original_name(uow, deps, renderer) -> tuple[str, str]:
    """The public original's file name (the one anyone but staff may be given)."""
    item = await processed_item(uow, deps, renderer)
    return item.media_id, name_of(item, item.public_original)


def proof_from(url: str) -> Proof:
    query = parse_qs(urlsplit(url).query)
    return Proof(expires=query["expires"][0], signature=query["signature"][0])


async def test_an_item_in_no_release_is_for_staff_and_signed_links(
    uow, deps, renderer, clock
) -> None:
    media_id, name = await original_name(uow, deps, renderer)
    with pytest.raises(NotPublicError):
        await open_file(uow, deps, "tenant-a", media_id, name, Proof())
    staff = await open_file(uow, deps, "tenant-a", media_id, name, Proof(staff=True))
    assert not staff.public

    signed = await links.signed_files(uow, deps, A, media_id, ttl_s=60)
    assert signed.access is Access.STAFF_ONLY
    proof = proof_from(signed.urls["original"])
    assert not (await open_file(uow, deps, "tenant-a", media_id, name, proof)).public

    tampered = Proof(expires=str(int(proof.expires or 0) + 60), signature=proof.signature)
    with pytest.raises(BadSignatureError):
        await open_file(uow, deps, "tenant-a", media_id, name, tampered)
    clock.advance(timedelta(seconds=61))
    with pytest.raises(LinkExpiredError):
        await open_file(uow, deps, "tenant-a", media_id, name, proof)


async def test_a_public_release_makes_it_public_and_a_withdrawal_takes_it_down(
    uow, deps, renderer
) -> None:
    media_id, name = await original_name(uow, deps, renderer)
    await release_changed(uow, published("r1", [media_id]))
    assert (await open_file(uow, deps, "tenant-a", media_id, name, Proof())).public
    await release_changed(uow, withdrawn("r1"))
    with pytest.raises(WithdrawnError):
        await open_file(uow, deps, "tenant-a", media_id, name, Proof())
    assert await open_file(uow, deps, "tenant-a", media_id, name, Proof(staff=True))


async def test_a_link_lives_no_longer_than_allowed(uow, deps, renderer, clock) -> None:
    media_id, _ = await original_name(uow, deps, renderer)
    signed = await links.signed_files(uow, deps, A, media_id, ttl_s=deps.max_signed_ttl_s + 9)
    assert signed.expires_at == clock.now() + timedelta(seconds=deps.max_signed_ttl_s)


async def test_the_upload_itself_is_for_staff_only(uow, deps, renderer) -> None:
    """Its personal metadata stays in the newsroom: public releases and signed links give
    the public original; only staff get the upload."""
    item = await processed_item(uow, deps, renderer)
    upload_name = name_of(item, item.original)
    signed = await links.signed_files(uow, deps, A, item.media_id, ttl_s=60)
    assert signed.urls["original"].split("?")[0].endswith(name_of(item, item.public_original))
    assert not any(upload_name in url for url in signed.urls.values())
    forged = proof_from(signed.urls["original"])  # signed for another path: not valid here
    await release_changed(uow, published("r1", [item.media_id]))
    for proof in (Proof(), forged):
        with pytest.raises(MediaNotFoundError):
            await open_file(uow, deps, "tenant-a", item.media_id, upload_name, proof)
    staff = await open_file(uow, deps, "tenant-a", item.media_id, upload_name, Proof(staff=True))
    assert staff.file == item.original


async def test_a_newsroom_logo_is_public_until_the_newsroom_takes_another(
    uow, deps, renderer
) -> None:
    item = await processed_item(uow, deps, renderer)
    web = name_of(item, item.public_original)

    def newsroom(logo: str | None, version: int) -> NewsroomUpdated:
        return NewsroomUpdated(
            tenant_id="tenant-a",
            newsroom_id="n1",
            slug="acme",
            name="Acme",
            default_language="en",
            logo_media_id=logo,
            version=version,
            updated_at=item.created_at,
        )

    async with uow:
        assert await newsroom_changed(uow, newsroom(item.media_id, 2))
    served = await open_file(uow, deps, "tenant-a", item.media_id, web, Proof())
    assert served.access is Access.PUBLIC
    with pytest.raises(MediaNotFoundError):  # another tenant's path: no such file
        await open_file(uow, deps, "tenant-b", item.media_id, web, Proof())

    async with uow:
        assert not await newsroom_changed(uow, newsroom(None, 1))  # old news: kept
        assert await newsroom_changed(uow, newsroom(None, 3))
    with pytest.raises(NotPublicError):
        await open_file(uow, deps, "tenant-a", item.media_id, web, Proof())
