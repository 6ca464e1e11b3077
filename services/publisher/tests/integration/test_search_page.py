"""Search within a newsroom through the app and the database: stems stored with each release
(a multikey array under an index), matched with $all, ranked in the domain."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .test_release_page import Page, published

pytestmark = pytest.mark.connected


def _titles(html: str) -> list[str]:
    """The titles of the listed releases, in order."""
    return re.findall(r"<h3><a href=\"[^\"]+\">([^<]+)</a></h3>", html)


@pytest.fixture
async def newsroom(client, unique) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}", name="Acme News", default_language="sv")
    other = await acme.newsroom(f"other-{unique}", name="Other", default_language="sv")
    made = {
        "sv": await published(
            acme, room, title="Acme lanserar elbilar", language="sv", body="<p>Nya bilar.</p>"
        ),
        "en": await published(
            acme,
            room,
            title="Roadrunner 2",
            language="en",
            body="<p>Acme <strong>launches</strong> the fastest roadrunner.</p>",
        ),
        "other": await published(acme, other, title="Other lanserar elbilar", language="sv"),
    }
    await acme.release(room["id"], title="Acme lanserar ett utkast", language="sv")
    return acme, room, made


async def test_swedish_and_english_inflections_find_the_newsrooms_published_releases(
    client, newsroom
) -> None:
    _, room, _ = newsroom
    slug = room["slug"]
    swedish = await client.http.get(f"/{slug}/search", params={"q": "lanserade elbil"})
    assert swedish.status_code == 200
    assert _titles(swedish.text) == ["Acme lanserar elbilar"]  # not the draft, not Other's
    english = await client.http.get(f"/{slug}/search", params={"q": "Launched"})
    assert _titles(english.text) == ["Roadrunner 2"]  # found in the body's HTML
    assert Page(english.text).all("meta", name="robots") == [
        {"name": "robots", "content": "noindex"}
    ]
    nothing = await client.http.get(f"/{slug}/search", params={"q": "lanserade tåg"})
    assert _titles(nothing.text) == []
    assert "Inget publicerat pressmeddelande matchar de här orden." in Page(nothing.text).text


async def test_matches_in_the_title_rank_before_newer_ones_in_the_body(client, newsroom) -> None:
    acme, room, _ = newsroom
    await published(acme, room, title="Acme recall", language="en", body="<p>Roadrunner.</p>")
    answer = await client.http.get(f"/{room['slug']}/search", params={"q": "roadrunner"})
    # Roadrunner 2 holds it in its title and body, the newer recall only in its body.
    assert _titles(answer.text) == ["Roadrunner 2", "Acme recall"]


async def test_an_edit_is_searchable_at_once_and_a_withdrawal_leaves_search(
    client, newsroom
) -> None:
    acme, room, made = newsroom
    slug = room["slug"]
    release_id = made["en"]["id"]
    await acme.ok("PATCH", f"/v1/releases/{release_id}", json={"lead": "Now with turbochargers."})
    found = await client.http.get(f"/{slug}/search", params={"q": "turbocharger"})
    assert _titles(found.text) == ["Roadrunner 2"]
    await acme.ok("POST", f"/v1/releases/{release_id}/withdraw", json={"reason": "Recall."})
    gone = await client.http.get(f"/{slug}/search", params={"q": "turbocharger"})
    assert _titles(gone.text) == []


async def test_the_form_its_language_and_its_bad_input(client, newsroom) -> None:
    _, room, _ = newsroom
    slug = room["slug"]
    form = Page((await client.http.get(f"/{slug}/search")).text)
    assert form.all("input", name="q")
    assert "Sök" in form.text  # the newsroom speaks Swedish
    english = Page((await client.http.get(f"/{slug}/search", params={"lang": "en"})).text)
    assert english.all("input", type="hidden", name="lang", value="en")  # the choice is kept
    home = Page((await client.http.get(f"/{slug}/")).text)
    assert home.all("form", action=f"/{slug}/search")
    assert (await client.http.get(f"/{slug}/search", params={"q": "x" * 201})).status_code == 422
    assert (await client.http.get(f"/{slug}/search", params={"page": "0"})).status_code == 422
    assert (await client.http.get(f"/no-such-{slug}/search", params={"q": "a"})).status_code == 404


async def test_terms_are_stored_under_the_search_index(
    client, newsroom, mongo_client, settings
) -> None:
    releases = mongo_client[settings.database_name]["releases"]
    indexes = await releases.index_information()
    assert indexes["public_search"]["key"] == [
        ("tenant_id", 1),
        ("newsroom_id", 1),
        ("status", 1),
        ("search_terms", 1),
    ]
    stored = await releases.find_one({"title": "Acme lanserar elbilar"})
    assert stored is not None
    assert {"lanser", "elbil", "bil"} <= set(stored["search_terms"])
