"""Feeds stay well-formed whatever staff typed: read back by a real feed parser."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
import pytest

from publisher.domain.content import ContentChanges
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.entrypoints.web import feeds
from publisher.service.pages import Listing
from publisher.service.views import Slice

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
AWKWARD = 'Tom & Jerry <b>"bold"</b> ]]> \x00\x0bcontrol\x1f chars \ufffe'


def _home(links) -> Listing:
    newsroom = Newsroom.create(
        tenant_id="t", name="Acme & <Co>", default_language="en", now=NOW, slug="acme"
    )
    release = Release.draft(
        tenant_id="t",
        newsroom_id=newsroom.id,
        default_language="en",
        changes=ContentChanges(title=AWKWARD, lead=AWKWARD, body="<p>a &amp; b</p>", tags=["x&y"]),
        known_media={},
        actor="k",
        now=NOW,
    )
    release.published_at = NOW
    return Listing(newsroom, Slice(items=[release], more=False))


@pytest.mark.parametrize(("make", "version"), [(feeds.rss, "rss20"), (feeds.atom, "atom10")])
def test_feeds_stay_well_formed_with_awkward_text(make, version, deps) -> None:
    home = _home(deps.links)
    feed = feedparser.parse(make(home, deps.links))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == version
    assert feed.feed.title == "Acme & <Co>"
    [entry] = feed.entries
    assert entry.title == 'Tom & Jerry <b>"bold"</b> ]]> control chars'
    assert entry.link == f"https://news.test/acme/releases/{home.releases.items[0].id}"
    assert [t.term for t in entry.tags] == ["x&y"]
