"""The comments widget on a release page: there when the comments service is configured
(``PUBLISHER_COMMENTS_PUBLIC_PATH``), and the page as before when it is not."""

from __future__ import annotations

from typing import Any

import pytest

from newsroom_testing.clock import FakeClock
from publisher.config import PublisherSettings

from .conftest import running
from .test_release_page import Page, published

pytestmark = pytest.mark.connected


async def _release_page(settings: PublisherSettings, clock: FakeClock, slug: str, **q: str) -> Any:
    async with running(settings, clock) as client:
        acme = await client.new_tenant()
        room = await acme.newsroom(slug, default_language="sv")
        release = await published(acme, room)
        answer = await client.http.get(f"/{slug}/releases/{release['id']}", params=q)
        assert answer.status_code == 200, answer.text
        return release, Page(answer.text)


async def test_the_page_embeds_the_widget_of_the_configured_comments_service(
    settings: PublisherSettings, clock: FakeClock, unique: str, drop_database: None
) -> None:
    with_comments = settings.model_copy(update={"comments_public_path": "/api/comments"})
    release, page = await _release_page(with_comments, clock, f"acme-{unique}", lang="en")
    [script] = [s for s in page.all("script") if s.get("src")]
    assert script == {
        "src": "/api/comments/widget.js",
        "data-release": release["id"],
        "data-lang": "en",
        "defer": "",
    }
    assert page.all("h2", id="comments")
    assert "Comments" in page.text


async def test_swedish_pages_ask_for_a_swedish_widget(
    settings: PublisherSettings, clock: FakeClock, unique: str, drop_database: None
) -> None:
    with_comments = settings.model_copy(update={"comments_public_path": "/api/comments/"})
    _, page = await _release_page(with_comments, clock, f"acme-{unique}")
    [script] = [s for s in page.all("script") if s.get("src")]
    assert script["src"] == "/api/comments/widget.js"
    assert script["data-lang"] == "sv"
    assert "Kommentarer" in page.text


async def test_without_comments_configured_the_page_has_no_widget(
    settings: PublisherSettings, clock: FakeClock, unique: str, drop_database: None
) -> None:
    assert settings.comments_public_path == ""
    _, page = await _release_page(settings, clock, f"acme-{unique}")
    assert [s for s in page.all("script") if s.get("src")] == []
    assert not page.all("h2", id="comments")
