from datetime import UTC, datetime, timedelta

from publisher.adapters.preview_links import SignedLinks
from publisher.domain.content import ContentChanges
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release

NOW = datetime(2030, 1, 1, tzinfo=UTC)
WEB = "https://www.news.example/"


def a_release() -> Release:
    return Release.draft(
        tenant_id="t1", newsroom_id="n1", default_language="en",
        changes=ContentChanges(title="t"), known_media={}, actor="k", now=NOW,
    )  # fmt: skip


def test_a_token_names_the_release_until_it_expires() -> None:
    links = SignedLinks("https://news.example/", "secret", web_origin=WEB)
    release = a_release()
    token = links.preview_token(release, NOW + timedelta(hours=1))
    assert links.read_preview_token(token, NOW) == ("t1", release.id)
    assert links.read_preview_token(token, NOW + timedelta(hours=1)) is None
    assert links.preview_url(token) == f"https://www.news.example/preview/{token}"  # the page


def test_forged_or_foreign_tokens_are_refused() -> None:
    links = SignedLinks("https://news.example", "secret", web_origin=WEB)
    token = links.preview_token(a_release(), NOW + timedelta(hours=1))
    assert links.read_preview_token(token[:-2] + "xx", NOW) is None
    other = SignedLinks("https://news.example", "other", web_origin=WEB)
    assert other.read_preview_token(token, NOW) is None
    assert links.read_preview_token("garbage", NOW) is None


def test_public_release_urls() -> None:
    links = SignedLinks("https://news.example/", "secret", web_origin=WEB)
    # The web page (not the JSON API), by release id: stable whatever the title becomes.
    acme = Newsroom.create(tenant_id="t1", name="Acme", default_language="en", now=NOW)
    assert links.release_url(acme, "0123456789abcdef01234567") == (
        "https://www.news.example/acme/releases/0123456789abcdef01234567"
    )
