"""Finding http(s) links in text, the way the networks' counters and facet parsers do."""

from __future__ import annotations

from dataclasses import dataclass

import regex

# Only ASCII URL characters: a non-ASCII character ends the link, as in twitter-text's path rules.
# Counting what follows as text (not as part of a 23-weight link) can only over-count, which keeps
# composed posts within the limits.
_URL = regex.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", regex.IGNORECASE)
# Punctuation that ends a sentence rather than the link ("see https://a.example/x.").
_TRAILING_PUNCTUATION = ".,;:!?'\"*"
_CLOSING = {")": "(", "]": "["}


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range ``[start, end)`` of code point offsets in a text."""

    start: int
    end: int


def _trim(url: str) -> str:
    while url:
        last = url[-1]
        if last in _TRAILING_PUNCTUATION:
            url = url[:-1]
        elif last in _CLOSING and url.count(last) > url.count(_CLOSING[last]):
            url = url[:-1]  # "(see https://a.example/x)": the parenthesis is not the link's
        else:
            return url
    return url


def find_links(text: str) -> list[Span]:
    """Spans of the http(s) links in ``text``, in order, trailing punctuation excluded."""
    spans = []
    for match in _URL.finditer(text):
        url = _trim(match.group())
        if "://" in url and not url.endswith("://"):
            spans.append(Span(match.start(), match.start() + len(url)))
    return spans


def is_whole_link(url: str) -> bool:
    """Whether ``url`` is found in a text as exactly one link, whole (so counters and facets
    see all of it)."""
    return find_links(url) == [Span(0, len(url))]
