"""A newsroom on its own domain: set through the API (unique across tenants), its pages found
by the request's Host at the root, its links on the domain, its slug URLs moved there (301),
and never another newsroom's release."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import feedparser
import pytest

from .conftest import PUBLIC_WEB_ORIGIN
from .test_release_page import Page

pytestmark = pytest.mark.connected

DOMAIN = "news.acme.example"
ON_DOMAIN = {"Host": DOMAIN}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


async def _with_domain(client: Any, unique: str, domain: str = DOMAIN) -> tuple[Any, Any, Any]:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}", name="Acme")
    release = await acme.release(room["id"], title="Roadrunner 2", tags=["launch"])
    release = await acme.ok("POST", f"/v1/releases/{release['id']}/publish")
    room = await acme.ok("PATCH", f"/v1/newsrooms/{room['id']}", json={"domain": domain})
    return acme, room, release


async def test_a_domain_is_unique_across_tenants_and_refused_when_not_public(
    client, unique
) -> None:
    acme, room, _ = await _with_domain(client, unique, domain=f"News.{unique}.example.")
    assert room["domain"] == f"news.{unique}.example"
    other = await client.new_tenant("Other")
    theirs = await other.newsroom(f"other-{unique}")
    taken = await other.request(
        "PATCH", f"/v1/newsrooms/{theirs['id']}", json={"domain": f"news.{unique}.example"}
    )
    assert taken.status_code == 409, taken.text
    assert "is taken" in taken.json()["detail"]
    for refused in ("localhost", "news.localhost", "127.0.0.1", "www.news.example", "a_b.example"):
        answer = await other.request(
            "PATCH", f"/v1/newsrooms/{theirs['id']}", json={"domain": refused}
        )
        assert answer.status_code == 422, (refused, answer.text)
    cleared = await acme.ok("PATCH", f"/v1/newsrooms/{room['id']}", json={"domain": None})
    assert cleared["domain"] is None
    await other.ok(
        "PATCH", f"/v1/newsrooms/{theirs['id']}", json={"domain": f"news.{unique}.example"}
    )


async def test_a_newsroom_can_be_created_on_its_domain(client, unique) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}", domain=f"News.{unique}.example")
    assert room["domain"] == f"news.{unique}.example"
    release = await acme.release(room["id"], title="Roadrunner 2")
    release = await acme.ok("POST", f"/v1/releases/{release['id']}/publish")
    assert release["url"] == f"https://news.{unique}.example/releases/{release['id']}"
    page = await client.http.get(
        f"/releases/{release['id']}", headers={"Host": f"news.{unique}.example"}
    )
    assert page.status_code == 200, page.text
    other = await client.new_tenant("Other")
    body = {"name": "Other", "default_language": "en", "domain": f"news.{unique}.example"}
    taken = await other.request("POST", "/v1/newsrooms", json=body)
    assert taken.status_code == 409, taken.text
    assert "is taken" in taken.json()["detail"]
    refused = await other.request("POST", "/v1/newsrooms", json={**body, "domain": "localhost"})
    assert refused.status_code == 422, refused.text


async def test_its_pages_are_at_the_root_of_its_domain_with_links_there(client, unique) -> None:
    _, room, release = await _with_domain(client, unique)
    url = f"https://{DOMAIN}/releases/{release['id']}"
    assert release["url"] != url  # published before the domain: the API's view is now
    view = await client.http.get(f"/v1/public/newsrooms/{room['slug']}/releases/{release['slug']}")
    assert view.json()["url"] == url

    page = await client.http.get(f"/releases/{release['id']}", headers=ON_DOMAIN)
    assert page.status_code == 200, page.text
    parsed = Page(page.text)
    assert parsed.all("link", rel="canonical")[0]["href"] == url
    assert parsed.all("meta", property="og:url")[0]["content"] == url
    assert parsed.json_ld[0]["url"] == url
    assert parsed.all("a", href="/tags/launch/")  # links within the site, without the slug
    switch = [a["href"] for a in parsed.all("a", hreflang="sv")]
    assert switch == [f"/releases/{release['id']}?lang=sv"]

    home = Page((await client.http.get("/", headers=ON_DOMAIN)).text)
    assert home.all("link", rel="canonical")[0]["href"] == f"https://{DOMAIN}/"
    assert home.all("a", href=f"/releases/{release['id']}")

    tag = await client.http.get("/tags/launch/", headers=ON_DOMAIN)
    assert (
        Page(tag.text).all("link", rel="canonical")[0]["href"] == f"https://{DOMAIN}/tags/launch/"
    )
    feed = feedparser.parse((await client.http.get("/rss.xml", headers=ON_DOMAIN)).content)
    assert [e.link for e in feed.entries] == [url]
    assert feed.feed.link == f"https://{DOMAIN}/"

    robots = (await client.http.get("/robots.txt", headers=ON_DOMAIN)).text
    assert f"Sitemap: https://{DOMAIN}/sitemap.xml" in robots
    sitemap = ElementTree.fromstring(
        (await client.http.get("/sitemap.xml", headers=ON_DOMAIN)).content
    )
    locs = [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]
    assert f"https://{DOMAIN}/" in locs
    assert url in locs
    assert all(loc and loc.startswith(f"https://{DOMAIN}/") for loc in locs)
    index = (await client.http.get("/sitemap.xml")).text  # the platform's: not another host's
    assert DOMAIN not in index
    assert room["slug"] not in index

    oembed = await client.http.get("/oembed", params={"url": url})
    assert oembed.status_code == 200, oembed.text
    assert f'src="{url}/embed"' in oembed.json()["html"]
    assert oembed.json()["provider_url"] == f"https://{DOMAIN}/"


async def test_its_slug_urls_answer_301_to_the_domain(client, unique) -> None:
    _, room, release = await _with_domain(client, unique)
    slug = room["slug"]
    for path, target in [
        (f"/{slug}/releases/{release['id']}?lang=sv", f"/releases/{release['id']}?lang=sv"),
        (f"/{slug}/", "/"),
        (f"/{slug}", "/"),
        (f"/{slug}/rss.xml", "/rss.xml"),
    ]:
        moved = await client.http.get(path)
        assert moved.status_code == 301, (path, moved.text)
        assert moved.headers["location"] == f"https://{DOMAIN}{target}"
    on_domain = await client.http.get(f"/{slug}/tags/launch/", headers=ON_DOMAIN)
    assert (on_domain.status_code, on_domain.headers["location"]) == (301, "/tags/launch/")


async def test_a_domain_never_shows_another_newsrooms_release(client, unique) -> None:
    await _with_domain(client, unique)
    other = await client.new_tenant("Other")
    theirs = await other.newsroom(f"other-{unique}")
    release = await other.release(theirs["id"], title="Not Acme's")
    release = await other.ok("POST", f"/v1/releases/{release['id']}/publish")
    assert (
        await client.http.get(release["url"].removeprefix(PUBLIC_WEB_ORIGIN))
    ).status_code == 200
    on_domain = await client.http.get(f"/releases/{release['id']}", headers=ON_DOMAIN)
    assert on_domain.status_code == 404
    assert "Not Acme" not in on_domain.text
    other_slug_on_domain = await client.http.get(
        f"/{theirs['slug']}/releases/{release['id']}", headers=ON_DOMAIN
    )
    assert other_slug_on_domain.status_code == 404  # /acme/other-…/releases/… on Acme's site


async def test_an_unknown_host_is_the_platform(client, unique) -> None:
    _, room, _release = await _with_domain(client, unique)
    elsewhere = {"Host": "unknown.example"}
    assert (await client.http.get("/", headers=elsewhere)).status_code == 404
    moved = await client.http.get(f"/{room['slug']}/", headers=elsewhere)
    assert moved.headers["location"] == f"https://{DOMAIN}/"
