"""Finding older releases: a tag's page and feeds, a month's page, and the archive of both."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import feedparser
import pytest

from .conftest import PUBLIC_WEB_ORIGIN
from .test_release_page import Page

pytestmark = pytest.mark.connected


async def _publish_at(client: Any, acme: Any, room: dict[str, Any], when: datetime, **fields: Any):
    client.app.state.publisher.deps.clock.set(when)
    release = await acme.release(room["id"], **fields)
    return await acme.ok("POST", f"/v1/releases/{release['id']}/publish")


@pytest.fixture
async def newsroom(client, unique) -> tuple[Any, dict[str, Any], dict[str, dict[str, Any]]]:
    """Releases over three months with tags (one holding a '/'), a draft, another newsroom."""
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}", name="Acme")
    other = await acme.newsroom(f"other-{unique}", name="Other")
    at = lambda m, d: datetime(2026, m, d, 12, tzinfo=UTC)  # noqa: E731
    made = {
        "oct": await _publish_at(client, acme, room, at(10, 31), title="October", tags=["launch"]),
        "nov1": await _publish_at(client, acme, room, at(11, 1), title="Nov A", tags=["ai/ml"]),
        "nov2": await _publish_at(
            client, acme, room, at(11, 30), title="Nov B", tags=["launch", "ai/ml"]
        ),
        "dec": await _publish_at(client, acme, room, at(12, 2), title="December", tags=["Launch"]),
        "elsewhere": await _publish_at(
            client, acme, other, at(11, 5), title="Elsewhere", tags=["launch"]
        ),
    }
    await acme.release(room["id"], title="Draft", tags=["launch"])
    return acme, room, made


def _titles(html: str) -> list[str]:
    page = Page(html)
    return [
        t for t in page.text if t in {"October", "Nov A", "Nov B", "December", "Elsewhere", "Draft"}
    ]


async def test_a_tag_page_lists_the_newsrooms_published_releases_with_it(client, newsroom) -> None:
    _, room, _made = newsroom
    slug = room["slug"]
    answer = await client.http.get(f"/{slug}/tags/launch/")
    assert answer.status_code == 200
    assert _titles(answer.text) == ["December", "Nov B", "October"]  # tags are stored lower case
    page = Page(answer.text)
    assert "Releases tagged “launch”" in page.text
    assert page.all("link", rel="canonical") == [
        {"rel": "canonical", "href": f"{PUBLIC_WEB_ORIGIN}/{slug}/tags/launch/"}
    ]
    assert page.all("link", rel="alternate", type="application/rss+xml")[0]["href"] == (
        f"/{slug}/tags/launch/rss.xml"
    )
    # A tag with a '/' is one escaped path segment.
    slashed = await client.http.get(f"/{slug}/tags/ai%2Fml/")
    assert _titles(slashed.text) == ["Nov B", "Nov A"]
    assert (await client.http.get(f"/{slug}/tags/nothing/")).status_code == 200
    assert "No releases here." in Page((await client.http.get(f"/{slug}/tags/nothing/")).text).text
    assert (await client.http.get(f"/no-such-{slug}/tags/launch/")).status_code == 404


async def test_the_release_page_and_the_home_link_to_the_tag_pages(client, newsroom) -> None:
    _, room, made = newsroom
    slug = room["slug"]
    release = Page((await client.http.get(f"/{slug}/releases/{made['nov2']['id']}")).text)
    assert release.all("a", href=f"/{slug}/tags/launch/")
    assert release.all("a", href=f"/{slug}/tags/ai%2Fml/")
    home = Page((await client.http.get(f"/{slug}/")).text)
    assert home.all("a", href=f"/{slug}/tags/ai%2Fml/")
    assert home.all("a", href=f"/{slug}/archive/")


async def test_each_tag_has_rss_and_atom_feeds(client, newsroom) -> None:
    _, room, _made = newsroom
    slug = room["slug"]
    for feed in ("rss.xml", "atom.xml"):
        answer = await client.http.get(f"/{slug}/tags/ai%2Fml/{feed}")
        assert answer.status_code == 200
        parsed = feedparser.parse(answer.content)
        assert not parsed.bozo, parsed.bozo_exception
        assert [e.title for e in parsed.entries] == ["Nov B", "Nov A"]
        assert parsed.feed.title == "Acme: Releases tagged “ai/ml”"
        assert parsed.feed.link == f"{PUBLIC_WEB_ORIGIN}/{slug}/tags/ai%2Fml/"
        again = await client.http.get(
            f"/{slug}/tags/ai%2Fml/{feed}", headers={"If-None-Match": answer.headers["etag"]}
        )
        assert again.status_code == 304


async def test_a_month_page_lists_what_was_published_in_that_month(client, newsroom) -> None:
    _, room, _ = newsroom
    slug = room["slug"]
    answer = await client.http.get(f"/{slug}/archive/2026/11/")
    assert answer.status_code == 200
    assert _titles(answer.text) == ["Nov B", "Nov A"]  # not another newsroom's, not October's
    assert "Releases of November 2026" in Page(answer.text).text
    swedish = Page((await client.http.get(f"/{slug}/archive/2026/11/", params={"lang": "sv"})).text)
    assert "Pressmeddelanden från november 2026" in swedish.text
    for bad in ("2026/13", "2026/1", "26/11", "2026/00", "abcd/11"):
        assert (await client.http.get(f"/{slug}/archive/{bad}/")).status_code == 404


async def test_the_archive_lists_months_newest_first_and_tags_most_used_first(
    client, newsroom
) -> None:
    _, room, _ = newsroom
    slug = room["slug"]
    answer = await client.http.get(f"/{slug}/archive/")
    assert answer.status_code == 200
    page = Page(answer.text)
    months = [a["href"] for a in page.all("a") if "/archive/2026/" in a.get("href", "")]
    assert months == [f"/{slug}/archive/2026/{m}/" for m in ("12", "11", "10")]
    assert "(2 releases)" in page.text
    assert "(1 release)" in page.text
    tags = [a["href"] for a in page.all("a") if "/tags/" in a.get("href", "")]
    assert tags == [f"/{slug}/tags/launch/", f"/{slug}/tags/ai%2Fml/"]
    assert "(3)" in page.text  # launch: three published releases here (the draft is not)
    again = await client.http.get(
        f"/{slug}/archive/", headers={"If-None-Match": answer.headers["etag"]}
    )
    assert again.status_code == 304
    assert (await client.http.get(f"/no-such-{slug}/archive/")).status_code == 404
