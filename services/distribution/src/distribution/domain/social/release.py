"""What of a published release goes into a social post."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from distribution.domain.social.errors import InvalidReleaseLinkError
from distribution.domain.social.links import is_whole_link


@dataclass(frozen=True, slots=True)
class SocialImage:
    """The release's social-card image (already processed by the media service)."""

    url: str
    alt: str = ""


@dataclass(frozen=True, slots=True)
class ReleaseForPost:
    title: str
    lead: str
    url: str  # the release's public page; never cut or dropped from a post
    tags: Sequence[str] = ()
    language: str = "en"
    image: SocialImage | None = None

    def __post_init__(self) -> None:
        # A link the counters or facet parser saw only in part would be mis-counted and half-linked.
        if not is_whole_link(self.url):
            raise InvalidReleaseLinkError(self.url)


def clean_text(text: str) -> str:
    """NFC (what X counts, and fewer code points for Mastodon) on one line: a post's title and
    lead are single paragraphs, so runs of whitespace become one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())
