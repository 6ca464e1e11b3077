"""The release page's pictures, from the media service's events as the publisher recorded
them: responsive, described, in the release's order; a new description makes a new page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest

from newsroom_shared.events.media import MediaProcessed, Rendition
from publisher.service import media

from .conftest import running
from .test_release_page import Page, published

pytestmark = pytest.mark.connected
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE = "http://www.google.com/schemas/sitemap-image/1.1"


def processed(tenant_id: str, media_id: str, at: Any, **fields: Any) -> MediaProcessed:
    renditions = [
        Rendition(
            name=name,
            content_type=kind,
            url=f"https://media.example/{media_id}/{name}",
            width=width,
            height=width * 3 // 4,
            bytes=1000,
        )
        for name, kind, width in [
            ("thumbnail", "image/jpeg", 320),
            ("web", "image/jpeg", 1600),
            ("web_webp", "image/webp", 1600),
            ("web_avif", "image/avif", 1600),
            ("social_card", "image/jpeg", 1200),
        ]
    ]
    return MediaProcessed(
        tenant_id=tenant_id,
        media_id=media_id,
        kind="image",
        content_type="image/jpeg",
        filename=f"{media_id}.jpg",
        url=f"https://media.example/{media_id}/original",
        renditions=renditions,
        processed_at=at,
        width=4000,
        height=3000,
        **fields,
    )


async def apply(client: Any, event: Any) -> None:
    publisher = client.app.state.publisher
    await media.on_media_event(publisher.uow(), publisher.deps, event)


async def test_a_release_shows_its_processed_pictures_in_order(client, clock, unique) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}", name="Acme")
    m1, m2, m3 = f"m1-{unique}", f"m2-{unique}", f"m3-{unique}"
    await apply(client, processed(acme.id, m1, clock.now(), alt_text="A <red> rocket"))
    await apply(client, processed(acme.id, m2, clock.now(), decorative=True, credit="Ann"))
    pdf = {"kind": "document", "content_type": "application/pdf", "renditions": []}
    await apply(client, processed(acme.id, m3, clock.now()).model_copy(update=pdf))
    made = await published(acme, room, title="Launch", media_ids=[m2, m1, m3])
    path = f"/{room['slug']}/releases/{made['id']}"

    answer = await client.http.get(path)
    page = Page(answer.text)
    images = page.all("img")
    assert [i["src"] for i in images] == [
        f"https://media.example/{m2}/web",  # the release's order; the document is no picture
        f"https://media.example/{m1}/web",
    ]
    assert [i["alt"] for i in images] == ["", "A <red> rocket"]  # decorative says nothing
    assert images[1]["srcset"] == (
        f"https://media.example/{m1}/thumbnail 320w, https://media.example/{m1}/web 1600w"
    )
    assert (images[1]["width"], images[1]["height"]) == ("1600", "1200")
    # AVIF first, then WebP: a browser takes the first source it can show.
    sources = page.all("source")
    assert [s["type"] for s in sources[:2]] == ["image/avif", "image/webp"]
    assert sources[0]["srcset"] == f"https://media.example/{m2}/web_avif 1600w"
    assert page.all("a", href=f"https://media.example/{m1}/original", download="")
    assert "Photo: Ann" in " ".join(page.text)

    clock.advance(timedelta(minutes=1))
    described = processed(acme.id, m1, clock.now(), alt_text="A red rocket skate")
    await apply(client, described)
    again = await client.http.get(path, headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 200  # a new description is a new page
    assert again.headers["etag"] != answer.headers["etag"]
    assert "A red rocket skate" in [i["alt"] for i in Page(again.text).all("img")]


async def test_another_tenants_media_news_never_shows(client, clock, unique) -> None:
    acme, globex = await client.new_tenant("Acme"), await client.new_tenant("Globex")
    room = await acme.newsroom(f"acme-{unique}")
    shared_id = f"m-{unique}"
    await apply(client, processed(acme.id, shared_id, clock.now(), alt_text="Acme's"))
    made = await published(acme, room, title="Launch", media_ids=[shared_id])
    clock.advance(timedelta(minutes=1))
    await apply(client, processed(globex.id, shared_id, clock.now(), alt_text="Globex's"))
    page = Page((await client.http.get(f"/{room['slug']}/releases/{made['id']}")).text)
    assert [i["alt"] for i in page.all("img")] == ["Acme's"]


async def test_the_press_kit_is_linked_when_media_is_on_the_origin(settings, clock, unique) -> None:
    with_media = settings.model_copy(update={"media_public_path": "/api/media/"})
    async with running(with_media, clock) as client:
        acme = await client.new_tenant()
        room = await acme.newsroom(f"acme-{unique}")
        m1 = f"m1-{unique}"
        plain = await published(acme, room, title="Plain")
        plain_page = Page((await client.http.get(f"/{room['slug']}/releases/{plain['id']}")).text)
        assert not plain_page.all("a", download="")  # no pictures, no press kit
        await apply(client, processed(acme.id, m1, clock.now(), alt_text="A rocket"))
        made = await published(acme, room, title="Launch", media_ids=[m1])
        page = Page((await client.http.get(f"/{room['slug']}/releases/{made['id']}")).text)
        kit = f"/api/media/v1/public/{acme.id}/releases/{made['id']}/press-kit.zip"
        assert page.all("a", href=kit, download="")


async def test_the_sitemap_lists_each_releases_pictures(client, clock, unique) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}")
    m1, m2 = f"m1-{unique}", f"m2-{unique}"
    await apply(client, processed(acme.id, m1, clock.now(), alt_text="One"))
    await apply(client, processed(acme.id, m2, clock.now(), alt_text="Two"))
    with_pictures = await published(acme, room, title="Launch", media_ids=[m1, m2])
    without = await published(acme, room, title="Plain")
    sitemap = f"/{room['slug']}/sitemap.xml"
    before = await client.http.get(sitemap)
    clock.advance(timedelta(minutes=1))
    await apply(client, processed(acme.id, m2, clock.now(), alt_text="Two, described anew"))
    answer = await client.http.get(sitemap)
    assert answer.headers["etag"] != before.headers["etag"]  # its pictures' news moves it
    root = ElementTree.fromstring(answer.content)
    urls = {
        entry.findtext(f"{{{SITEMAP}}}loc"): [
            image.findtext(f"{{{IMAGE}}}loc") for image in entry.iter(f"{{{IMAGE}}}image")
        ]
        for entry in root.iter(f"{{{SITEMAP}}}url")
    }
    assert urls[with_pictures["url"]] == [
        f"https://media.example/{m1}/web",
        f"https://media.example/{m2}/web",
    ]
    assert urls[without["url"]] == []


async def test_a_release_with_media_not_ready_or_undescribed_is_refused_naming_each(
    client, clock, unique
) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}")
    ready, bare, waiting = f"ready-{unique}", f"bare-{unique}", f"waiting-{unique}"
    await apply(client, processed(acme.id, ready, clock.now(), alt_text="A rocket"))
    await apply(client, processed(acme.id, bare, clock.now()))  # no alt text
    release = await acme.release(room["id"], media_ids=[ready, bare, waiting])

    answer = await acme.request("POST", f"/v1/releases/{release['id']}/publish")

    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "media_not_publishable"
    messages = [e["message"] for e in problem["errors"]]
    assert messages[0].startswith(f"'{bare}' has no alt text")
    assert messages[1].startswith(f"'{waiting}' is still being processed")
    assert len(messages) == 2
    status = await acme.ok("GET", f"/v1/releases/{release['id']}")
    assert status["status"] == "draft"
