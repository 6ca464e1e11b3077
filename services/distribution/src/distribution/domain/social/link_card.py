"""Bluesky's link card (``app.bsky.embed.external``), shown under a post that has no image."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from distribution.domain.social.graphemes import grapheme_count
from distribution.domain.social.release import ReleaseForPost, clean_text
from distribution.domain.social.shortening import shorten_to_fit

EXTERNAL_EMBED_TYPE = "app.bsky.embed.external"
# The lexicon sets no limits; the app shows about two lines of title and three of description,
# so longer texts only cost bytes. Cut at word boundaries like post texts.
LINK_CARD_TITLE_MAX_GRAPHEMES = 200
LINK_CARD_DESCRIPTION_MAX_GRAPHEMES = 300


@dataclass(frozen=True, slots=True)
class LinkCard:
    uri: str
    title: str
    description: str

    def as_record(self) -> dict[str, Any]:
        """The post record's ``embed`` (no thumbnail: a card is used when there is no image)."""
        external = {"uri": self.uri, "title": self.title, "description": self.description}
        return {"$type": EXTERNAL_EMBED_TYPE, "external": external}


def _trimmed(text: str, max_graphemes: int) -> str:
    return shorten_to_fit(clean_text(text), lambda t: grapheme_count(t) <= max_graphemes) or ""


def link_card(release: ReleaseForPost) -> LinkCard:
    return LinkCard(
        uri=release.url,
        title=_trimmed(release.title, LINK_CARD_TITLE_MAX_GRAPHEMES),
        description=_trimmed(release.lead, LINK_CARD_DESCRIPTION_MAX_GRAPHEMES),
    )
