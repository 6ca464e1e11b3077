"""The embargo preview page: what an invited journalist sees through the link, and who sees
nothing (crawlers, caches, anyone without the link, anyone after the lift)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from .conftest import PUBLIC_WEB_ORIGIN
from .test_release_page import Page

pytestmark = pytest.mark.connected


async def embargoed(client: Any, acme: Any, room: dict[str, Any]) -> tuple[dict[str, Any], str]:
    release = await acme.release(
        room["id"],
        title="Acme buys Globex",
        lead="The deal closes in May.",
        body="<p>Figures <em>inside</em>.</p>",
        contacts=[{"name": "Ann Press", "role": "PR", "email": "ann@acme.example"}],
    )
    lift = (client.app.state.publisher.deps.clock.now() + timedelta(hours=2)).isoformat()
    await acme.ok("POST", f"/v1/releases/{release['id']}/publish", json={"embargo_until": lift})
    link = await acme.ok("POST", f"/v1/releases/{release['id']}/preview-links", 201)
    assert link["url"] == f"{PUBLIC_WEB_ORIGIN}/preview/{link['token']}"
    return release, link["token"]


async def test_the_invited_journalist_reads_the_release_marked_embargoed(client, unique) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}", name="Acme", default_language="sv")
    release, token = await embargoed(client, acme, room)
    answer = await client.http.get(f"/preview/{token}", params={"lang": "en"})
    assert answer.status_code == 200
    page = Page(answer.text)
    text = " ".join(page.text)
    assert "Embargoed: not for publication before" in text
    assert "Please do not share the link" in text
    assert "Acme buys Globex" in text
    assert "The deal closes in May." in text
    assert page.all("em")  # the sanitised body, as on the public page
    assert "Ann Press" in text
    assert page.meta("robots") == "noindex, nofollow, noarchive"
    assert answer.headers["x-robots-tag"] == "noindex, nofollow, noarchive"
    assert answer.headers["cache-control"] == "private, no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert not page.all("textarea")  # no embed code
    assert not page.all("link", rel="canonical")
    assert not page.all("script")  # no JSON-LD: nothing to index yet
    swedish = await client.http.get(f"/preview/{token}")  # the newsroom's language
    assert "Under embargo: får inte publiceras före" in " ".join(Page(swedish.text).text)
    assert (await client.http.get(f"/{room['slug']}/releases/{release['id']}")).status_code == 404


async def test_a_forged_cut_or_expired_link_shows_nothing(client, clock, unique) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}")
    _, token = await embargoed(client, acme, room)
    for bad in (token[:-3] + "abc", token[: len(token) // 2], "not-a-token-at-all"):
        answer = await client.http.get(f"/preview/{bad}")
        assert answer.status_code == 404, bad
        assert "Acme buys Globex" not in answer.text
        assert answer.headers["cache-control"] == "private, no-store"
    assert (await client.http.get("/preview/x")).status_code == 422  # not a token's shape
    clock.advance(timedelta(hours=3))  # the lift has passed: the link died with it
    answer = await client.http.get(f"/preview/{token}")
    assert answer.status_code == 404
    assert "Acme buys Globex" not in answer.text


async def test_a_preview_link_of_a_withdrawn_release_shows_nothing(client, unique) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}")
    release, token = await embargoed(client, acme, room)
    await acme.ok("POST", f"/v1/releases/{release['id']}/withdraw", json={"reason": "Off"})
    assert (await client.http.get(f"/preview/{token}")).status_code == 404
