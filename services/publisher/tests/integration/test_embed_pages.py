"""A release embedded in a blog: the embed card, the code on the release page, oEmbed."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import PUBLIC_WEB_ORIGIN
from .test_release_page import Page, published

pytestmark = pytest.mark.connected


@pytest.fixture
async def release(client, unique) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}", name="Acme & Co")
    return acme, room, await published(acme, room, title="Roadrunner <2>", lead="Faster.")


async def test_the_release_page_offers_the_embed_code_and_the_oembed_link(client, release) -> None:
    _, room, made = release
    page = Page((await client.http.get(f"/{room['slug']}/releases/{made['id']}")).text)
    [link] = page.all("link", type="application/json+oembed")
    query = parse_qs(urlsplit(link["href"]).query)
    assert link["href"].startswith(f"{PUBLIC_WEB_ORIGIN}/oembed?")
    assert query == {"url": [made["url"]], "format": ["json"]}
    assert page.all("textarea", id="embed-code", readonly="")
    code = " ".join(page.text)
    assert f'<iframe src="{made["url"]}/embed"' in code  # shown as text, to be copied


async def test_the_embed_card_may_be_framed_anywhere_and_runs_no_script(client, release) -> None:
    _, room, made = release
    answer = await client.http.get(f"/{room['slug']}/releases/{made['id']}/embed")
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    assert "frame-ancestors *" in policy
    assert "default-src 'none'" in policy
    page = Page(answer.text)
    assert page.all("script") == []
    assert page.all("meta", name="robots", content="noindex")
    assert page.all("link", rel="canonical", href=made["url"])
    assert page.all("a", href=made["url"], target="_blank", rel="noopener")
    assert "Roadrunner <2>" in page.text  # escaped in the HTML, read back as text
    again = await client.http.get(answer.url, headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304


async def test_oembed_answers_for_a_published_release_of_this_site(client, release) -> None:
    _, _, made = release
    answer = await client.http.get("/oembed", params={"url": made["url"], "maxwidth": "320"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["type"] == "rich"
    assert body["version"] == "1.0"
    assert body["title"] == "Roadrunner <2>"
    assert body["provider_name"] == "Acme & Co"
    assert body["width"] == 320
    assert f'src="{made["url"]}/embed"' in body["html"]
    assert "Roadrunner &lt;2&gt;" in body["html"]


async def test_oembed_refuses_what_it_cannot_embed(client, release) -> None:
    acme, room, made = release
    get = client.http.get
    assert (await get("/oembed", params={"url": made["url"], "format": "xml"})).status_code == 501
    foreign = made["url"].replace(PUBLIC_WEB_ORIGIN, "https://evil.example")
    assert (await get("/oembed", params={"url": foreign})).status_code == 404
    unknown = f"{PUBLIC_WEB_ORIGIN}/{room['slug']}/releases/no-such-release"
    assert (await get("/oembed", params={"url": unknown})).status_code == 404
    assert (await get("/oembed", params={"url": made["url"], "maxwidth": "0"})).status_code == 422
    assert (await get("/oembed")).status_code == 422
    draft = await acme.release(room["id"], title="Not yet")
    draft_url = f"{PUBLIC_WEB_ORIGIN}/{room['slug']}/releases/{draft['id']}"
    assert (await get("/oembed", params={"url": draft_url})).status_code == 404
    assert (await get(f"/{room['slug']}/releases/{draft['id']}/embed")).status_code == 404


async def test_a_withdrawn_releases_card_says_so_and_oembed_forgets_it(client, release) -> None:
    acme, room, made = release
    await acme.ok("POST", f"/v1/releases/{made['id']}/withdraw", json={"reason": "Recalled"})
    card = await client.http.get(f"/{room['slug']}/releases/{made['id']}/embed")
    assert card.status_code == 410
    assert "Reason given: Recalled" in " ".join(Page(card.text).text)
    assert (await client.http.get("/oembed", params={"url": made["url"]})).status_code == 404


async def test_another_tenants_slug_does_not_reach_the_release(client, release) -> None:
    _, _, made = release
    other = await client.new_tenant()
    their_room = await other.newsroom(f"other-{made['id'][:8]}", name="Other")
    path = f"/{their_room['slug']}/releases/{made['id']}"
    assert (await client.http.get(f"{path}/embed")).status_code == 404
    url = f"{PUBLIC_WEB_ORIGIN}{path}"
    assert (await client.http.get("/oembed", params={"url": url})).status_code == 404


async def test_every_other_page_may_be_framed_by_our_own_origin_only(client, release) -> None:
    _, room, made = release
    for path in (f"/{room['slug']}/", f"/{room['slug']}/releases/{made['id']}", "/nope/"):
        answer = await client.http.get(path)
        assert answer.headers["content-security-policy"] == "frame-ancestors 'self'", path
        assert answer.headers["x-frame-options"] == "SAMEORIGIN", path
    api = await client.http.get(f"/v1/public/newsrooms/{room['slug']}")
    assert "x-frame-options" not in api.headers
