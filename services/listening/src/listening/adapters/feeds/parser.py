"""RSS and Atom by their content: ``feedparser`` reads RSS 0.9x, 1.0 and 2.0 and Atom 0.3 and
1.0 from the bytes whatever Content-Type the server claimed (servers often call a feed
``text/html`` or ``application/octet-stream``).

The body goes in as a stream on purpose: ``feedparser.parse`` given a ``bytes`` or ``str``
that looks like a URL or a file name would fetch the URL or open the file.
"""

from __future__ import annotations

import calendar
import html
import io
from datetime import UTC, datetime
from typing import Any

import feedparser

from listening.domain.feed_entries import FeedEntry, ParsedFeed
from listening.domain.feeds import FeedKind
from listening.service.feed_ports import FeedParseError

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class FeedparserParser:
    def parse(self, body: bytes) -> ParsedFeed:
        parsed = feedparser.parse(io.BytesIO(body), sanitize_html=True)
        version = str(parsed.get("version") or "")
        if not version:
            reason = parsed.get("bozo_exception") or "no feed element found"
            raise FeedParseError(f"not an RSS or Atom feed: {reason}")
        kind: FeedKind = "atom" if version.startswith("atom") else "rss"
        feed = parsed.get("feed", {})
        return ParsedFeed(
            kind=kind,
            entries=tuple(_entry(entry) for entry in parsed.get("entries", [])),
            language=feed.get("language") or _detail_language(feed.get("title_detail")),
        )


def _entry(entry: Any) -> FeedEntry:
    contents = entry.get("content") or []
    body_detail = contents[0] if contents else entry.get("summary_detail")
    return FeedEntry(
        entry_id=entry.get("id") or None,
        title=_as_html(entry.get("title_detail")),
        body=_as_html(body_detail),
        link=entry.get("link") or None,
        author=entry.get("author") or None,
        published=_moment(entry.get("published_parsed") or entry.get("updated_parsed")),
        language=_detail_language(body_detail) or _detail_language(entry.get("title_detail")),
    )


def _as_html(detail: Any) -> str:
    """A text construct as HTML: plain text escaped, so that stripping tags later keeps a
    literal ``a<b`` as written."""
    if not detail:
        return ""
    value = str(detail.get("value") or "")
    return value if detail.get("type") in _HTML_TYPES else html.escape(value)


def _detail_language(detail: Any) -> str | None:
    language = detail.get("language") if detail else None
    return str(language) if language else None


def _moment(parsed: Any) -> datetime | None:
    """feedparser's UTC ``struct_time`` as an aware datetime."""
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
