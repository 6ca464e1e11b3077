"""A release's share links and Mastodon redirect; the subscribe pages, whose form posts to
distribution's public API on the same origin."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .test_release_page import Page, published

pytestmark = pytest.mark.connected


@pytest.fixture
async def release(client, unique) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}", name="Acme")
    return acme, room, await published(acme, room, title="Roadrunner 2")


async def test_a_release_page_has_share_links_and_no_third_party_script(client, release) -> None:
    _, room, made = release
    html = (await client.http.get(f"/{room['slug']}/releases/{made['id']}")).text
    page = Page(html)
    hosts = {re.sub(r"^(https://[^/]+|mailto:).*", r"\1", a["href"]) for a in page.all("a")}
    assert {
        "https://x.com",
        "https://www.linkedin.com",
        "https://www.facebook.com",
        "mailto:",
    } <= hosts
    assert all(not tag.get("src") for tag in page.all("script"))  # only the JSON-LD block
    assert page.all("script") == [{"type": "application/ld+json"}]
    assert page.all("input", id="copy-link", readonly="", value=made["url"])
    assert page.all("form", action=f"/{room['slug']}/releases/{made['id']}/share/mastodon")
    assert page.all("a", href=f"/{room['slug']}/subscribe")


async def test_the_mastodon_form_redirects_to_the_readers_instance(client, release) -> None:
    acme, room, made = release
    path = f"/{room['slug']}/releases/{made['id']}/share/mastodon"
    answer = await client.http.get(path, params={"instance": "https://Fosstodon.org/"})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("https://fosstodon.org/share?text=Roadrunner+2+")
    refused = await client.http.get(path, params={"instance": "evil.example/phish"})
    assert refused.status_code == 400
    assert "Not a Mastodon server" in Page(refused.text).text
    await acme.ok("POST", f"/v1/releases/{made['id']}/withdraw", json={"reason": "x"})
    assert (await client.http.get(path, params={"instance": "mastodon.social"})).status_code == 404
    unknown = f"/{room['slug']}/releases/no-such-release/share/mastodon"
    assert (
        await client.http.get(unknown, params={"instance": "mastodon.social"})
    ).status_code == 404


async def test_the_subscribe_page_posts_to_distribution_on_the_same_origin(client, release) -> None:
    _, room, _ = release
    slug = room["slug"]
    page = Page((await client.http.get(f"/{slug}/subscribe", params={"lang": "sv"})).text)
    [form] = page.all("form", method="post")
    assert form["action"] == f"/api/distribution/v1/public/newsrooms/{slug}/subscribers/form"
    assert page.all("input", name="email", type="email")
    assert page.all("input", type="hidden", name="lang", value="sv")  # the reader's choice
    assert "Din e-postadress" in page.text
    problem = Page((await client.http.get(f"/{slug}/subscribe?problem=invalid_email")).text)
    assert problem.all("div", role="alert")
    assert problem.all("input", name="email", **{"aria-invalid": "true"})
    sent = Page((await client.http.get(f"/{slug}/subscribe/sent")).text)
    assert "Check your email" in sent.text
    assert (await client.http.get(f"/{slug}/subscribe?problem=other")).status_code == 422
    assert (await client.http.get(f"/no-such-{slug}/subscribe")).status_code == 404


TOKEN = ".eyJ0IjoiYSJ9.aBc_-1.sig"  # the shape of distribution's tokens; checked there, not here


async def test_the_confirm_and_unsubscribe_pages_post_the_token_to_distribution(
    client, release
) -> None:
    _, room, _ = release
    slug = room["slug"]
    for what, action in (
        ("confirm", f"/api/distribution/v1/public/subscriptions/confirm/{TOKEN}"),
        ("unsubscribe", f"/api/distribution/v1/unsubscribe/{TOKEN}"),
    ):
        answer = await client.http.get(f"/{slug}/subscription/{what}/{TOKEN}")
        assert answer.status_code == 200
        # A token in the URL: no cache keeps the page, no referrer carries it away.
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["referrer-policy"] == "no-referrer"
        page = Page(answer.text)
        assert page.all("form", method="post", action=action)
        assert page.all("input", type="hidden", name="newsroom", value=slug)
    unsubscribe = Page((await client.http.get(f"/{slug}/subscription/unsubscribe/{TOKEN}")).text)
    assert unsubscribe.all("input", name="List-Unsubscribe", value="One-Click")
    bad = await client.http.get(f"/{slug}/subscription/confirm/not%20a%20token")
    assert bad.status_code == 422


async def test_the_outcome_pages_say_what_happened(client, release) -> None:
    _, room, _ = release
    slug = room["slug"]
    texts = {
        "confirmed": "Subscription confirmed",
        "unsubscribed": "You are unsubscribed",
        "problem?code=token_expired": (
            "This confirmation link has expired: subscribe again to get a new one."
        ),
        "problem?code=invalid_token&lang=sv": (
            "Använd länken från mejlet som den är, eller prenumerera igen."
        ),
    }
    for path, text in texts.items():
        answer = await client.http.get(f"/{slug}/subscription/{path}")
        assert answer.status_code == 200
        assert text in Page(answer.text).text
    assert (await client.http.get(f"/{slug}/subscription/problem?code=other")).status_code == 422
    assert (await client.http.get(f"/{slug}/subscription/other")).status_code == 422
    assert (await client.http.get(f"/no-such-{slug}/subscription/confirmed")).status_code == 404
