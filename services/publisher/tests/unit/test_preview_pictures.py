"""The embargo preview's pictures: each link signed for the release's tenant, expiring no later
than the preview link; none without the media keys or for another tenant's file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from newsroom_shared.events.media import MediaProcessed, Rendition
from newsroom_shared.signed_urls import UrlSigner, Verdict
from publisher.adapters.media_links import SignedMediaLinks
from publisher.domain.content import ContentChanges
from publisher.service import media, newsrooms, releases, workflow
from publisher.service.preview import preview_page

KEY = "media-key"


@pytest.fixture
async def newsroom(uow, deps, caller):
    return await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="en")


def processed(tenant_id: str, media_id: str, at, owner: str | None = None) -> MediaProcessed:
    base = f"https://news.test/api/media/files/{owner or tenant_id}/{media_id}"
    web = Rendition(
        name="web", content_type="image/jpeg", url=f"{base}/web-1.jpg", width=1600, bytes=1
    )
    return MediaProcessed(
        tenant_id=tenant_id, media_id=media_id, kind="image", content_type="image/jpeg",
        filename="f.jpg", url=f"{base}/original-0.jpg", alt_text=f"alt {media_id}",
        renditions=[web], processed_at=at,
    )  # fmt: skip


def test_only_the_tenants_own_files_are_signed() -> None:
    links = SignedMediaLinks([KEY])
    at = datetime(2030, 1, 1, tzinfo=UTC)
    url = "https://news.test/api/media/files/t1/m1/web-1.jpg"
    signed = links.signed("t1", url, at)
    assert signed is not None
    query = parse_qs(urlsplit(signed).query)
    check = UrlSigner([KEY]).check(
        "/files/t1/m1/web-1.jpg", query["expires"][0], query["signature"][0], at - timedelta(1)
    )
    assert check is Verdict.VALID
    assert links.signed("t2", url, at) is None  # another tenant's file
    assert links.signed("t1", f"{url}?expires=1", at) is None  # already carrying a query
    assert links.signed("t1", "https://elsewhere.example/picture.jpg", at) is None


async def test_the_preview_signs_its_pictures_until_the_lift(uow, deps, caller, newsroom) -> None:
    now = deps.clock.now()
    tenant = caller.tenant_id
    for media_id, owner in (("m1", None), ("m2", "f" * 24)):
        await media.on_media_event(uow, deps, processed(tenant, media_id, now, owner))
    changes = ContentChanges(title="News", media_ids=["m1", "m2"])
    view = await releases.create_release(
        uow, deps, caller, newsroom_id=newsroom.id, changes=changes
    )
    lift = now + timedelta(hours=2)
    await workflow.publish(uow, deps, caller, view.release.id, embargo_until=lift)
    link = await workflow.create_preview_link(uow, deps, caller, view.release.id)

    assert (await preview_page(uow, deps, link.token)).gallery == ()  # no keys: no pictures
    keyed = replace(deps, media_signer=SignedMediaLinks([KEY]))
    page = await preview_page(uow, keyed, link.token)
    assert [image.media_id for image in page.gallery] == ["m1"]  # m2's file is not the tenant's
    details = page.gallery[0].details
    for url in (details.original_url, *(s.url for s in details.sources)):
        expires = int(parse_qs(urlsplit(url).query)["expires"][0])
        assert expires == int(lift.timestamp())

    # A link made to expire before the lift: the pictures' links expire with it.
    early = deps.links.preview_token(view.release, now + timedelta(minutes=30))
    page = await preview_page(uow, keyed, early)
    source = page.gallery[0].details.sources[0].url
    assert int(parse_qs(urlsplit(source).query)["expires"][0]) == int(
        (now + timedelta(minutes=30)).timestamp()
    )
