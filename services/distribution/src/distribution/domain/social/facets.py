"""Bluesky rich-text facets: which byte ranges of a post's text are links and hashtags.

Bluesky does not find links in the text itself; a post shows a link only where a facet says so,
with ``index.byteStart``/``byteEnd`` as UTF-8 byte offsets (lexicon ``app.bsky.richtext.facet``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import regex

from distribution.domain.social.hashtags import HASHTAG_MAX_GRAPHEMES
from distribution.domain.social.links import Span, find_links

FACET_TYPE = "app.bsky.richtext.facet"
LINK_FEATURE_TYPE = "app.bsky.richtext.facet#link"
TAG_FEATURE_TYPE = "app.bsky.richtext.facet#tag"
# A hashtag starts a word; its name holds a letter (as hashtags.hashtag_for makes them).
_HASHTAG = regex.compile(r"(?<!\S)#([\p{L}\p{M}\p{N}_]*\p{L}[\p{L}\p{M}\p{N}_]*)")
_GRAPHEME = regex.compile(r"\X")


@dataclass(frozen=True, slots=True)
class LinkFeature:
    uri: str

    def as_record(self) -> dict[str, Any]:
        return {"$type": LINK_FEATURE_TYPE, "uri": self.uri}


@dataclass(frozen=True, slots=True)
class TagFeature:
    tag: str  # without the '#'

    def as_record(self) -> dict[str, Any]:
        return {"$type": TAG_FEATURE_TYPE, "tag": self.tag}


@dataclass(frozen=True, slots=True)
class Facet:
    byte_start: int
    byte_end: int
    feature: LinkFeature | TagFeature

    def as_record(self) -> dict[str, Any]:
        return {
            "$type": FACET_TYPE,
            "index": {"byteStart": self.byte_start, "byteEnd": self.byte_end},
            "features": [self.feature.as_record()],
        }


def _byte_offset(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-8"))


def _facet(text: str, span: Span, feature: LinkFeature | TagFeature) -> Facet:
    return Facet(_byte_offset(text, span.start), _byte_offset(text, span.end), feature)


def _hashtag_spans(text: str, links: list[Span]) -> list[tuple[Span, str]]:
    found = []
    for match in _HASHTAG.finditer(text):
        span, tag = Span(match.start(), match.end()), match.group(1)
        in_link = any(link.start <= span.start < link.end for link in links)
        if not in_link and len(_GRAPHEME.findall(tag)) <= HASHTAG_MAX_GRAPHEMES:
            found.append((span, tag))
    return found


def facets_for(text: str) -> tuple[Facet, ...]:
    """Link facets for every http(s) link and tag facets for every hashtag, in text order."""
    links = find_links(text)
    facets = [_facet(text, span, LinkFeature(text[span.start : span.end])) for span in links]
    facets += [_facet(text, span, TagFeature(tag)) for span, tag in _hashtag_spans(text, links)]
    return tuple(sorted(facets, key=lambda facet: facet.byte_start))
