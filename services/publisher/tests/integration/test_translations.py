"""Releases in several languages: linked through the API (tenant-scoped, one per language),
offered on each other's pages and in the sitemap once published, never before."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest

from .conftest import PUBLIC_WEB_ORIGIN
from .test_release_page import Page

pytestmark = pytest.mark.connected

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def translation_links(page: Page, language: str) -> list[str]:
    """The page's links to a translation in ``language`` (the switch of the page's own words,
    ``?lang=``, carries the same attributes)."""
    found = page.all("a", hreflang=language, lang=language)
    return [a["href"] for a in found if "?lang=" not in a["href"]]


async def _translated(client: Any, unique: str) -> tuple[Any, Any, dict[str, Any]]:
    """A newsroom (English) with a release in English, Swedish and German; en and sv published."""
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}", name="Acme")
    made = {
        lang: await acme.release(room["id"], title=f"Roadrunner ({lang})", language=lang)
        for lang in ("en", "sv", "de")
    }
    for lang in ("sv", "de"):
        await acme.ok(
            "POST", f"/v1/releases/{made['en']['id']}/translations",
            json={"release_id": made[lang]["id"]},
        )  # fmt: skip
    for lang in ("en", "sv"):
        made[lang] = await acme.ok("POST", f"/v1/releases/{made[lang]['id']}/publish")
    return acme, room, made


async def test_staff_link_and_unlink_translations_in_their_own_tenant(client, unique) -> None:
    acme, room, made = await _translated(client, unique)
    listed = await acme.ok("GET", f"/v1/releases/{made['de']['id']}/translations")
    assert [t["language"] for t in listed["items"]] == ["de", "en", "sv"]
    assert listed["translation_group"] == made["en"]["id"]
    one = await acme.ok("GET", f"/v1/releases/{made['sv']['id']}")
    assert one["translation_group"] == made["en"]["id"]

    second_sv = await acme.release(room["id"], title="Another", language="sv")
    taken = await acme.request(
        "POST", f"/v1/releases/{made['en']['id']}/translations",
        json={"release_id": second_sv["id"]},
    )  # fmt: skip
    assert taken.status_code == 409, taken.text
    elsewhere = await acme.newsroom(f"else-{unique}")
    foreign = await acme.release(elsewhere["id"], title="Elsewhere", language="fi")
    other_room = await acme.request(
        "POST", f"/v1/releases/{made['en']['id']}/translations",
        json={"release_id": foreign["id"]},
    )  # fmt: skip
    assert other_room.status_code == 422, other_room.text

    stranger = await client.new_tenant("Stranger")
    theirs_room = await stranger.newsroom(f"theirs-{unique}")
    theirs = await stranger.release(theirs_room["id"], title="Theirs", language="fi")
    across = await acme.request(
        "POST", f"/v1/releases/{made['en']['id']}/translations",
        json={"release_id": theirs["id"]},
    )  # fmt: skip
    assert across.status_code == 422, across.text
    for method in ("GET", "DELETE"):
        hidden = await stranger.request(method, f"/v1/releases/{made['en']['id']}/translations")
        assert hidden.status_code == 404, (method, hidden.text)
    posted = await stranger.request(
        "POST", f"/v1/releases/{made['en']['id']}/translations",
        json={"release_id": theirs["id"]},
    )  # fmt: skip
    assert posted.status_code == 404

    await acme.ok("DELETE", f"/v1/releases/{made['de']['id']}/translations", 204)
    left = await acme.ok("GET", f"/v1/releases/{made['en']['id']}/translations")
    assert [t["language"] for t in left["items"]] == ["en", "sv"]


async def test_a_release_page_offers_its_published_translations(client, unique) -> None:
    _, room, made = await _translated(client, unique)
    en, sv, de = made["en"], made["sv"], made["de"]
    answer = await client.http.get(en["url"].removeprefix(PUBLIC_WEB_ORIGIN))
    assert answer.status_code == 200
    page = Page(answer.text)
    assert page.all("link", rel="canonical")[0]["href"] == en["url"]  # itself, not a translation
    alternates = {
        a["hreflang"]: a["href"] for a in page.all("link", rel="alternate") if "hreflang" in a
    }
    assert alternates == {"en": en["url"], "sv": sv["url"], "x-default": en["url"]}
    assert translation_links(page, "sv") == [f"/{room['slug']}/releases/{sv['id']}"]
    assert de["id"] not in answer.text  # a draft translation is never linked

    swedish = Page((await client.http.get(sv["url"].removeprefix(PUBLIC_WEB_ORIGIN))).text)
    assert translation_links(swedish, "en") == [f"/{room['slug']}/releases/{en['id']}"]
    sitemap = ElementTree.fromstring(
        (await client.http.get(f"/{room['slug']}/sitemap.xml")).content
    )
    for entry in sitemap.iter(f"{SITEMAP}url"):
        loc = entry.findtext(f"{SITEMAP}loc")
        found = {x.get("hreflang"): x.get("href") for x in entry.iter(f"{XHTML}link")}
        if loc in (en["url"], sv["url"]):
            assert found == {"en": en["url"], "sv": sv["url"], "x-default": en["url"]}
        else:
            assert found == {}


async def test_a_withdrawn_translation_is_no_longer_offered(client, unique) -> None:
    acme, _, made = await _translated(client, unique)
    before = await client.http.get(made["en"]["url"].removeprefix(PUBLIC_WEB_ORIGIN))
    await acme.ok("POST", f"/v1/releases/{made['sv']['id']}/withdraw", json={"reason": "Wrong"})
    after = await client.http.get(
        made["en"]["url"].removeprefix(PUBLIC_WEB_ORIGIN),
        headers={"If-None-Match": before.headers["ETag"]},
    )
    assert after.status_code == 200  # the page changed: its ETag follows its translations
    assert made["sv"]["id"] not in after.text
    assert 'hreflang="x-default"' not in after.text
