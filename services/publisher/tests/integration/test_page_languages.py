"""The pages in English and Swedish: the newsroom's default language, the reader's switch
(``?lang=``), the ``lang`` attributes, and each language its own cache entry."""

from __future__ import annotations

from typing import Any

import pytest

from .test_release_page import Page, published

pytestmark = pytest.mark.connected


@pytest.fixture
async def swedish_room(client: Any, unique: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """A Swedish newsroom with one English release in it."""
    acme = await client.new_tenant()
    room = await acme.newsroom(
        f"acme-{unique}",
        name="Acme Sverige",
        default_language="sv-SE",
        contacts=[{"name": "Ann Press"}],
    )
    release = await published(acme, room, title="Roadrunner 2", language="en", tags=["launch"])
    return acme, room, release


async def test_a_newsroom_speaks_its_default_language(client, swedish_room) -> None:
    _, room, release = swedish_room
    home = await client.http.get(f"/{room['slug']}/")
    page = Page(home.text)
    assert page.all("html") == [{"lang": "sv"}]
    assert {"Senaste pressmeddelanden", "Presskontakter", "Hoppa till innehållet"} <= set(page.text)
    # The release's own words keep their language; the page's words around them are Swedish.
    assert page.all("li", lang="en")
    release_link = f"/{room['slug']}/releases/{release['id']}"
    assert page.all("a", href=release_link)  # the default language: nothing to carry
    article = Page((await client.http.get(release_link)).text)
    assert article.all("article", lang="en")
    assert article.all("h2", lang="sv")
    assert "Taggar" in article.text
    assert any(" december " in t or " januari " in t for t in article.text)  # a Swedish date


async def test_the_switch_turns_the_page_and_its_links_to_the_readers_language(
    client, swedish_room
) -> None:
    _, room, release = swedish_room
    slug = room["slug"]
    page = Page((await client.http.get(f"/{slug}/", params={"lang": "en"})).text)
    assert page.all("html") == [{"lang": "en"}]
    assert {"Latest releases", "Press contacts"} <= set(page.text)
    # Links within the site keep the reader's choice (it is not the newsroom's default).
    assert page.all("a", href=f"/{slug}/releases/{release['id']}?lang=en")
    assert page.all("a", href=f"/{slug}/?lang=en")
    # The switch: this page in each language, named in that language, the current one marked.
    english = page.all("a", hreflang="en")
    swedish = page.all("a", hreflang="sv")
    assert english == [
        {"href": f"/{slug}/?lang=en", "lang": "en", "hreflang": "en", "aria-current": "true"}
    ]
    assert swedish == [{"href": f"/{slug}/?lang=sv", "lang": "sv", "hreflang": "sv"}]
    # The canonical URL is the page without the choice: the same releases in other words.
    assert page.all("link", rel="canonical")[0]["href"].endswith(f"/{slug}/")


async def test_each_language_is_its_own_page_for_caches(client, swedish_room) -> None:
    _, room, release = swedish_room
    path = f"/{room['slug']}/releases/{release['id']}"
    swedish = await client.http.get(path)
    english = await client.http.get(path, params={"lang": "en"})
    assert swedish.headers["etag"] != english.headers["etag"]
    stale = await client.http.get(
        path, params={"lang": "en"}, headers={"If-None-Match": swedish.headers["etag"]}
    )
    assert stale.status_code == 200
    fresh = await client.http.get(
        path, params={"lang": "en"}, headers={"If-None-Match": english.headers["etag"]}
    )
    assert fresh.status_code == 304


async def test_a_language_without_a_catalogue_is_ignored_and_error_pages_speak_too(
    client, swedish_room
) -> None:
    _, room, _ = swedish_room
    page = Page((await client.http.get(f"/{room['slug']}/", params={"lang": "fi"})).text)
    assert page.all("html") == [{"lang": "sv"}]
    missing = await client.http.get("/no-such-newsroom/", params={"lang": "sv"})
    assert missing.status_code == 404
    assert Page(missing.text).all("html") == [{"lang": "sv"}]
    assert "Sidan hittades inte" in Page(missing.text).text
    missing = await client.http.get("/no-such-newsroom/")
    assert "Page not found" in Page(missing.text).text
    too_long = await client.http.get(f"/{room['slug']}/", params={"lang": "x" * 36})
    assert too_long.status_code == 422


async def test_the_redirect_to_the_home_keeps_the_choice(client, swedish_room) -> None:
    _, room, _ = swedish_room
    answer = await client.http.get(f"/{room['slug']}", params={"lang": "en"})
    assert (answer.status_code, answer.headers["location"]) == (308, f"/{room['slug']}/?lang=en")


async def test_the_withdrawal_notice_in_swedish_keeps_its_markup(client, swedish_room) -> None:
    acme, room, release = swedish_room
    reason = {"reason": "Fel <siffror>."}
    await acme.ok("POST", f"/v1/releases/{release['id']}/withdraw", json=reason)
    answer = await client.http.get(f"/{room['slug']}/releases/{release['id']}")
    assert answer.status_code == 410
    assert 'Acme Sverige drog tillbaka ”<span lang="en">Roadrunner 2</span>” den <time' in (
        answer.text
    )
    assert "Angivet skäl: Fel &lt;siffror&gt;." in answer.text
