"""Share links built here (no third-party script), and the Mastodon instance a reader names."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from publisher.entrypoints.web.share import mastodon_instance, mastodon_share_url, share_links

URL = "https://www.news.example/acme/releases/r1"


def test_each_network_gets_the_release_url_and_title_in_its_own_share_page() -> None:
    links = {link.network: urlsplit(link.href) for link in share_links("Acme & co: 100%", URL)}
    assert sorted(links) == ["Email", "Facebook", "LinkedIn", "X"]
    assert (links["X"].netloc, parse_qs(links["X"].query)) == (
        "x.com",
        {"text": ["Acme & co: 100%"], "url": [URL]},
    )
    assert parse_qs(links["LinkedIn"].query) == {"url": [URL]}
    assert parse_qs(links["Facebook"].query) == {"u": [URL]}
    assert links["Email"].scheme == "mailto"
    assert "+" not in links["Email"].query  # RFC 6068: spaces are %20
    assert parse_qs(links["Email"].query) == {
        "subject": ["Acme & co: 100%"],
        "body": [f"Acme & co: 100% {URL}"],
    }


@pytest.mark.parametrize(
    ("typed", "instance"),
    [
        ("mastodon.social", "mastodon.social"),
        (" https://Fosstodon.org/ ", "fosstodon.org"),
        ("@jane@example.social", "example.social"),
        ("social.example:8443", "social.example:8443"),
        ("evil.example/path", None),
        ("evil.example?x=1", None),
        ("user:pass@evil.example", "evil.example"),  # what follows the last @, as in handles
        ("javascript:alert(1)", None),
        ("localhost", None),
        ("", None),
        ("a" * 64 + ".example", None),
    ],
)
def test_a_mastodon_instance_is_a_host_name_and_nothing_else(typed, instance) -> None:
    assert mastodon_instance(typed) == instance


def test_the_mastodon_redirect_goes_to_the_instances_share_page() -> None:
    target = urlsplit(mastodon_share_url("mastodon.social", "Big news", URL))
    assert (target.scheme, target.netloc, target.path) == ("https", "mastodon.social", "/share")
    assert parse_qs(target.query) == {"text": [f"Big news {URL}"]}
