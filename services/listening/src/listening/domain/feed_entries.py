"""Feed entries as posts: what a parsed entry says, turned into the text, key and language a
post carries. Plain Python: the parser (an adapter) fills :class:`FeedEntry`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from listening.domain.dedupe import url_key
from listening.domain.feeds import FeedKind
from listening.domain.html_text import html_to_text

MAX_TEXT = 20_000
"""Characters of a post's text (a longer entry is cut: a huge entry costs no more than this)."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry as the feed gives it (HTML in ``title`` and ``body`` allowed)."""

    entry_id: str | None
    """guid (RSS) or id (Atom), when the entry has one."""
    title: str = ""
    body: str = ""
    """Content when the entry has it, else its summary or description."""
    link: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    kind: FeedKind
    entries: tuple[FeedEntry, ...]
    language: str | None = None


@dataclass(frozen=True, slots=True)
class FeedPost:
    """An entry ready to travel as a post."""

    digest: str
    post_key: str
    text: str
    url: str | None
    author: str | None
    published_at: datetime | None
    language: str | None


def entry_digest(entry: FeedEntry) -> str:
    """A short, stable id of the entry: its guid or id, else its link, else its title and body
    (a feed without ids still tells its entries apart). Hashed so that a feed's remembered ids
    cost the same whatever the feed puts in them."""
    identity = entry.entry_id or entry.link or f"{entry.title}\n{entry.body}"
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def language_tag(value: str | None) -> str | None:
    """The primary language of a tag as the pipeline knows languages (``en-US`` -> ``en``)."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def feed_post(feed_id: str, entry: FeedEntry, feed_language: str | None) -> FeedPost | None:
    """The post an entry makes: title and body as plain text (cut at ``MAX_TEXT``), keyed by
    its link's canonical URL when it has one (copies of one page meet on one partition), else
    by the feed and the entry's digest. None for an entry with no text at all."""
    title, body = html_to_text(entry.title), html_to_text(entry.body)
    text = title if not body or body == title else f"{title}\n\n{body}" if title else body
    if not text:
        return None
    digest = entry_digest(entry)
    link = entry.link if entry.link and entry.link.startswith(("http://", "https://")) else None
    return FeedPost(
        digest=digest,
        post_key=url_key(link) if link else f"feed:{feed_id}:{digest}",
        text=text[:MAX_TEXT],
        url=link,
        author=(html_to_text(entry.author)[:200] or None) if entry.author else None,
        published_at=entry.published,
        language=language_tag(entry.language) or language_tag(feed_language),
    )


def retry_after_s(value: str | None, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks us to wait (delta-seconds or an HTTP date); None
    when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())
