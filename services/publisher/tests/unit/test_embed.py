"""A release embedded in other sites: URL recognition, the iframe code, oEmbed's answer."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from publisher.entrypoints.web.embed import (
    EMBED_HEIGHT,
    EMBED_MIN_WIDTH,
    EMBED_WIDTH,
    SANDBOX,
    Size,
    embed_code,
    oembed,
    release_of,
)
from publisher.entrypoints.web.framing import SAME_ORIGIN_ONLY, framing_headers

SITE = "https://news.example/"


@pytest.mark.parametrize(
    ("url", "found"),
    [
        ("https://news.example/acme/releases/r1", ("acme", "r1")),
        ("https://NEWS.example/acme-se/releases/r%201/", ("acme-se", "r 1")),
        ("http://news.example/acme/releases/r1", None),  # another origin
        ("https://news.example.evil/acme/releases/r1", None),
        ("https://evil.example/acme/releases/r1", None),
        ("https://news.example/acme/", None),  # not a release page
        ("https://news.example/acme/releases/r1/embed", None),
        ("https://news.example/Acme/releases/r1", None),  # not a slug
        ("/acme/releases/r1", None),
        ("", None),
    ],
)
def test_only_release_pages_of_this_site_are_recognised(
    url: str, found: tuple[str, str] | None
) -> None:
    assert release_of(url, SITE) == found


def test_a_site_under_a_path_recognises_its_own_pages_only() -> None:
    site = "https://example.org/news/"
    assert release_of("https://example.org/news/acme/releases/r1", site) == ("acme", "r1")
    assert release_of("https://example.org/acme/releases/r1", site) is None


class Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_embed_code_is_a_sandboxed_iframe_with_the_title_escaped() -> None:
    code = embed_code("https://news.example/acme/releases/r1", 'Acme "<b>" & co', Size(400, 200))
    [(tag, attrs)] = Tags(code).tags
    assert tag == "iframe"
    assert attrs["src"] == "https://news.example/acme/releases/r1/embed"
    assert attrs["title"] == 'Acme "<b>" & co'
    assert attrs["sandbox"] == SANDBOX
    assert "allow-scripts" not in SANDBOX
    assert (attrs["width"], attrs["height"]) == ("400", "200")
    assert "<b>" not in code


def test_the_size_keeps_within_the_consumers_bounds_and_above_the_minimum() -> None:
    assert Size.within(None, None) == Size(EMBED_WIDTH, EMBED_HEIGHT)
    assert Size.within(300, 10_000) == Size(300, EMBED_HEIGHT)
    assert Size.within(1, 1).width == EMBED_MIN_WIDTH


def test_the_oembed_answer_is_a_rich_embed_of_version_1() -> None:
    answer = oembed(
        release_url="https://news.example/acme/releases/r1",
        title="Launch",
        newsroom="Acme",
        newsroom_url="https://news.example/acme/",
        size=Size(500, 300),
        cache_age_s=60,
    )
    assert answer["version"] == "1.0"
    assert answer["type"] == "rich"
    assert (answer["width"], answer["height"]) == (500, 300)
    assert answer["provider_url"] == "https://news.example/acme/"
    assert answer["html"].startswith('<iframe src="https://news.example/acme/releases/r1/embed"')


def test_html_answers_may_be_framed_by_our_own_origin_only_unless_they_say_otherwise() -> None:
    html = [(b"content-type", b"text/html; charset=utf-8")]
    assert framing_headers(html) == [*html, *SAME_ORIGIN_ONLY]
    own = [*html, (b"Content-Security-Policy", b"frame-ancestors *")]
    assert framing_headers(own) == own  # the embed card's
    json = [(b"content-type", b"application/json")]
    assert framing_headers(json) == json
    assert framing_headers([]) == []
