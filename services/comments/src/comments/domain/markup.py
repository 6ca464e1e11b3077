"""A visitor's comment markup: exactly a safe subset (links, emphasis, quotes, code).

Sanitised with nh3 (Rust's ammonia) on the way in: every other tag goes (its text stays, except
for tags whose content is code or chrome, which go whole); links keep only an http(s) ``href``
and get ``rel="nofollow ugc noopener"``; comments and every other attribute are removed. The
plain text (for the event's ``body_text``, word rules and duplicate checks) is the sanitised
HTML with every tag stripped and entities decoded.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass

import nh3

ALLOWED_TAGS = frozenset(
    {"a", "em", "strong", "i", "b", "blockquote", "q", "code", "pre", "p", "br"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https"})
LINK_REL = "nofollow ugc noopener"
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
     "textarea", "select", "title", "xmp", "noembed", "noframes"}
)  # fmt: skip
_HREF = re.compile(r'href="([^"]*)"')
_BARE_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_BLOCK_END = re.compile(r"(</p>|</blockquote>|</pre>|<br>)")


@dataclass(frozen=True, slots=True)
class Body:
    """A comment's body as stored: safe HTML, its plain text, and the links it carries."""

    html: str
    text: str
    links: int

    @property
    def digest(self) -> str:
        """SHA-256 of the normalised text: the same words, however spaced or cased."""
        return hashlib.sha256(normalised(self.text).encode()).hexdigest()


def sanitise(raw: str) -> Body:
    cleaned = nh3.clean(
        raw,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        url_relative="deny",
        strip_comments=True,
    ).strip()
    # Blocks end a line in the text too, so "quoted" and the next paragraph stay two words.
    with_breaks = _BLOCK_END.sub(lambda end: end.group(1) + "\n", cleaned)
    text = html.unescape(nh3.clean(with_breaks, tags=set())).strip()
    hrefs = set(_HREF.findall(cleaned))
    bare = set(_BARE_URL.findall(text))
    return Body(html=cleaned, text=text, links=len({html.unescape(h) for h in hrefs} | bare))


def normalised(text: str) -> str:
    """Compatibility-folded, case-folded, single-spaced: how word rules and duplicates see text
    (so full-width letters or odd spacing do not slip past them)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
