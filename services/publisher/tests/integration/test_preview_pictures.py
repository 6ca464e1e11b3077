"""The embargo preview's pictures: links signed for the media service with its keys, expiring
no later than the preview link, only for the release's own tenant's files; none without keys."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr

from newsroom_shared.events.media import MediaProcessed, Rendition
from newsroom_shared.signed_urls import UrlSigner, Verdict

from .conftest import running
from .test_release_page import Page
from .test_release_pictures import apply

pytestmark = pytest.mark.connected
MEDIA_KEYS = "new-media-key-for-tests,old-media-key-for-tests"
MEDIA = "https://news.example/api/media"


def processed(tenant_id: str, media_id: str, at: Any, owner: str | None = None) -> MediaProcessed:
    base = f"{MEDIA}/files/{owner or tenant_id}/{media_id}"
    renditions = [
        Rendition(name=name, content_type=kind, url=f"{base}/{name}-d1.{ext}", width=w, bytes=1)
        for name, kind, ext, w in [
            ("web", "image/jpeg", "jpg", 1600),
            ("web_webp", "image/webp", "webp", 1600),
        ]
    ]
    return MediaProcessed(
        tenant_id=tenant_id,
        media_id=media_id,
        kind="image",
        content_type="image/jpeg",
        filename="a.jpg",
        url=f"{base}/original-d0.jpg",
        alt_text=f"Picture {media_id}",
        renditions=renditions,
        processed_at=at,
        width=4000,
        height=3000,
    )


async def embargo(acme: Any, room: dict[str, Any], media_ids: list[str], lift: Any) -> str:
    release = await acme.release(room["id"], title="Acme buys Globex", media_ids=media_ids)
    body = {"embargo_until": lift.isoformat()}
    await acme.ok("POST", f"/v1/releases/{release['id']}/publish", json=body)
    link = await acme.ok("POST", f"/v1/releases/{release['id']}/preview-links", 201)
    return str(link["token"])


def routed(url: str) -> str:
    path = urlsplit(url).path
    return path[path.index("/files/") :]


async def test_the_preview_shows_pictures_through_signed_links(settings, clock, unique) -> None:
    keyed = settings.model_copy(update={"media_url_signing_keys": SecretStr(MEDIA_KEYS)})
    async with running(keyed, clock) as client:
        acme = await client.new_tenant()
        room = await acme.newsroom(f"acme-{unique}")
        mine, foreign = f"m1-{unique}", f"m2-{unique}"
        await apply(client, processed(acme.id, mine, clock.now()))
        # Recorded for this tenant but naming another tenant's file: never signed.
        await apply(client, processed(acme.id, foreign, clock.now(), owner="f" * 24))
        lift = clock.now() + timedelta(hours=2)
        token = await embargo(acme, room, [mine, foreign], lift)

        answer = await client.http.get(f"/preview/{token}")
        assert answer.status_code == 200
        page = Page(answer.text)
        assert page.meta("robots") == "noindex, nofollow, noarchive"
        images = page.all("img")
        assert [i["alt"] for i in images] == [f"Picture {mine}"]
        links = [images[0]["src"], *(a["href"] for a in page.all("a", download=""))]
        links += [s["srcset"].split(" ")[0] for s in page.all("source", type="image/webp")]
        assert len(links) == 3
        media_side = UrlSigner(["new-media-key-for-tests"])  # media's check, as it routes
        for link in links:
            assert link.startswith(f"{MEDIA}/files/{acme.id}/{mine}/")
            query = parse_qs(urlsplit(link).query)
            expires, signature = query["expires"][0], query["signature"][0]
            assert int(expires) <= lift.timestamp()  # no later than the preview link
            assert media_side.check(routed(link), expires, signature, clock.now()) is Verdict.VALID
            other = routed(link).replace(acme.id, "f" * 24)  # the same file name, another tenant
            assert media_side.check(other, expires, signature, clock.now()) is Verdict.INVALID
            later = lift + timedelta(seconds=1)
            assert media_side.check(routed(link), expires, signature, later) is Verdict.EXPIRED


async def test_without_the_media_keys_the_preview_has_no_pictures(client, clock, unique) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}")
    mine = f"m1-{unique}"
    await apply(client, processed(acme.id, mine, clock.now()))
    token = await embargo(acme, room, [mine], clock.now() + timedelta(hours=2))
    answer = await client.http.get(f"/preview/{token}")
    assert answer.status_code == 200
    assert not Page(answer.text).all("img")
