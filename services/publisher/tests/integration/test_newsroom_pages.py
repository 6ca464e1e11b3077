"""A newsroom's home page, its RSS and Atom feeds, the sitemaps and robots.txt, read the way
browsers, feed readers and crawlers read them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import feedparser
import pytest

from .conftest import PUBLIC_WEB_ORIGIN
from .test_release_page import Page

pytestmark = pytest.mark.connected

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


async def _publish(client: Any, acme: Any, room: dict[str, Any], title: str, **fields: Any) -> Any:
    client.app.state.publisher.deps.clock.advance(timedelta(minutes=1))  # distinct times
    release = await acme.release(room["id"], title=title, **fields)
    return await acme.ok("POST", f"/v1/releases/{release['id']}/publish")


@pytest.fixture
async def newsroom(client, unique) -> tuple[Any, dict[str, Any], list[dict[str, Any]]]:
    """A newsroom with 23 published releases (more than a page of 20), a draft and an embargo."""
    acme = await client.new_tenant()
    room = await acme.newsroom(
        f"acme-{unique}",
        name="Acme & Co",
        description="News from Acme.",
        contacts=[{"name": "Ann Press", "email": "ann@acme.example", "phone": "+46 8 123"}],
    )
    published = [
        await _publish(
            client,
            acme,
            room,
            f"Release {n}",
            lead=f"Lead {n}",
            body=f"<p>Body {n}</p>",
            tags=["t"],
        )
        for n in range(23)
    ]
    await acme.release(room["id"], title="Secret draft")
    embargoed = await acme.release(room["id"], title="Secret embargo")
    later = (client.app.state.publisher.deps.clock.now() + timedelta(days=1)).isoformat()
    await acme.ok("POST", f"/v1/releases/{embargoed['id']}/publish", json={"embargo_until": later})
    return acme, room, published


async def test_home_lists_the_latest_releases_and_pages_back_by_cursor(client, newsroom) -> None:
    _, room, published = newsroom
    slug = room["slug"]
    newest_first = [r["title"] for r in reversed(published)]

    first = await client.http.get(f"/{slug}/")
    assert first.status_code == 200
    page = Page(first.text)
    assert page.all("html", lang="en")
    assert page.all("main", id="main")
    assert len(page.all("h1")) == 1
    assert "Acme & Co" in page.text
    titles = [t for t in page.text if t.startswith("Release ")]
    assert titles == newest_first[:20]
    assert "Secret draft" not in first.text
    assert "Secret embargo" not in first.text
    assert page.all("a", href=f"/{slug}/releases/{published[-1]['id']}")
    assert page.all("link", rel="canonical", href=f"{PUBLIC_WEB_ORIGIN}/{slug}/")
    assert page.all("link", rel="alternate", type="application/rss+xml", href=f"/{slug}/rss.xml")
    [organization] = page.json_ld
    assert organization["@type"] == "Organization"
    assert organization["name"] == "Acme & Co"
    assert organization["url"] == f"{PUBLIC_WEB_ORIGIN}/{slug}/"
    assert organization["contactPoint"][0]["email"] == "ann@acme.example"

    [more] = page.all("a", rel="next")
    cursor = parse_qs(urlsplit(more["href"]).query)["cursor"][0]
    second = Page((await client.http.get(f"/{slug}/", params={"cursor": cursor})).text)
    assert [t for t in second.text if t.startswith("Release ")] == newest_first[20:]
    assert second.all("a", rel="next") == []

    assert (await client.http.get(f"/{slug}/", params={"cursor": "garbage"})).status_code == 400
    etag = first.headers["etag"]
    assert (await client.http.get(f"/{slug}/", headers={"If-None-Match": etag})).status_code == 304
    redirect = await client.http.get(f"/{slug}")
    assert (redirect.status_code, redirect.headers["location"]) == (308, f"/{slug}/")
    assert (await client.http.get("/nobody-here/")).status_code == 404


async def test_feeds_parse_with_a_real_feed_parser(client, newsroom) -> None:
    _, room, published = newsroom
    slug = room["slug"]
    for path, version, media_type in (
        (f"/{slug}/rss.xml", "rss20", "application/rss+xml"),
        (f"/{slug}/atom.xml", "atom10", "application/atom+xml"),
    ):
        answer = await client.http.get(path)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith(media_type)
        feed = feedparser.parse(answer.content)
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == version
        assert feed.feed.title == "Acme & Co"
        assert feed.feed.link == f"{PUBLIC_WEB_ORIGIN}/{slug}/"
        assert len(feed.entries) == 20
        newest = feed.entries[0]
        assert newest.title == published[-1]["title"]
        assert newest.link == published[-1]["url"]
        assert newest.id == published[-1]["url"]
        assert newest.summary.startswith("Lead 22")
        assert [t.term for t in newest.tags] == ["t"]
        assert newest.published_parsed is not None
        assert "Secret" not in answer.text
        etag = answer.headers["etag"]
        assert (await client.http.get(path, headers={"If-None-Match": etag})).status_code == 304
    atom = feedparser.parse((await client.http.get(f"/{slug}/atom.xml")).content)
    assert atom.entries[0].content[0].value == "<p>Body 22</p>"
    assert (await client.http.get("/nobody-here/rss.xml")).status_code == 404


async def test_robots_and_sitemaps_lead_crawlers_to_every_public_page(client, newsroom) -> None:
    _, room, published = newsroom
    slug = room["slug"]
    robots = await client.http.get("/robots.txt")
    assert robots.headers["content-type"].startswith("text/plain")
    assert "Disallow: /api/" in robots.text.splitlines()
    assert f"Sitemap: {PUBLIC_WEB_ORIGIN}/sitemap.xml" in robots.text.splitlines()

    index = ElementTree.fromstring((await client.http.get("/sitemap.xml")).content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    locations = [e.text for e in index.iter(f"{SITEMAP}loc")]
    assert f"{PUBLIC_WEB_ORIGIN}/{slug}/sitemap.xml" in locations

    answer = await client.http.get(f"/{slug}/sitemap.xml")
    urlset = ElementTree.fromstring(answer.content)
    assert urlset.tag == f"{SITEMAP}urlset"
    urls = [e.text for e in urlset.iter(f"{SITEMAP}loc")]
    now = client.app.state.publisher.deps.clock.now()
    assert urls[:4] == [
        f"{PUBLIC_WEB_ORIGIN}/{slug}/",
        f"{PUBLIC_WEB_ORIGIN}/{slug}/archive/",
        f"{PUBLIC_WEB_ORIGIN}/{slug}/archive/{now:%Y/%m}/",  # every release is of this month
        f"{PUBLIC_WEB_ORIGIN}/{slug}/tags/t/",
    ]
    assert sorted(urls[4:]) == sorted(r["url"] for r in published)  # no draft, no embargo
    assert len(list(urlset.iter(f"{SITEMAP}lastmod"))) == len(published)
    for page in urls[:4]:
        assert (await client.http.get(page.removeprefix(PUBLIC_WEB_ORIGIN))).status_code == 200
    etag = answer.headers["etag"]
    again = await client.http.get(f"/{slug}/sitemap.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304
