"""The social networks we post to and how long a post may be on each, counted its way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from distribution.domain.social import counting


class Network(StrEnum):
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    X = "x"
    LINKEDIN = "linkedin"
    FACEBOOK = "facebook"


# Networks where a post can reply to our own previous post, so a long lead can continue there.
THREADED_NETWORKS = frozenset({Network.MASTODON, Network.BLUESKY, Network.X})

MASTODON_MAX_CHARACTERS = 500  # the instance default; instances may configure more
MASTODON_URL_LENGTH = 23  # every link counts this much, whatever its length
BLUESKY_MAX_GRAPHEMES = 300  # app.bsky.feed.post: text maxGraphemes
BLUESKY_MAX_BYTES = 3000  # app.bsky.feed.post: text maxLength (UTF-8 bytes)
X_MAX_WEIGHTED_LENGTH = 280  # twitter-text v3 maxWeightedTweetLength
LINKEDIN_MAX_CHARACTERS = 3000  # Posts API commentary
FACEBOOK_MAX_CHARACTERS = 63_206  # Facebook Page post message


@dataclass(frozen=True, slots=True)
class TextLimit:
    """How long a post's text may be: ``length(text) <= max_length`` (and, where the network also
    caps the encoded size, ``max_bytes`` UTF-8 bytes)."""

    max_length: int
    count: Callable[[str], int]
    max_bytes: int | None = None

    def length(self, text: str) -> int:
        return self.count(text)

    def fits(self, text: str) -> bool:
        if self.max_bytes is not None and counting.utf8_bytes(text) > self.max_bytes:
            return False
        return self.count(text) <= self.max_length


def mastodon_limit(
    max_characters: int = MASTODON_MAX_CHARACTERS, url_length: int = MASTODON_URL_LENGTH
) -> TextLimit:
    """Mastodon's limit; both numbers are per instance (``/api/v2/instance`` tells them)."""
    return TextLimit(
        max_characters, partial(counting.code_points_with_fixed_links, url_length=url_length)
    )


BLUESKY_LIMIT = TextLimit(
    BLUESKY_MAX_GRAPHEMES, counting.bluesky_graphemes, max_bytes=BLUESKY_MAX_BYTES
)
X_LIMIT = TextLimit(X_MAX_WEIGHTED_LENGTH, counting.x_weighted_length)
LINKEDIN_LIMIT = TextLimit(LINKEDIN_MAX_CHARACTERS, counting.code_points)
FACEBOOK_LIMIT = TextLimit(FACEBOOK_MAX_CHARACTERS, counting.code_points)

_DEFAULT_LIMITS = {
    Network.MASTODON: mastodon_limit(),
    Network.BLUESKY: BLUESKY_LIMIT,
    Network.X: X_LIMIT,
    Network.LINKEDIN: LINKEDIN_LIMIT,
    Network.FACEBOOK: FACEBOOK_LIMIT,
}


def limit_for(network: Network) -> TextLimit:
    """The network's default limit (Mastodon: the default instance's)."""
    return _DEFAULT_LIMITS[network]


def length(text: str, network: Network) -> int:
    """``text``'s length as ``network`` counts it."""
    return limit_for(network).length(text)


def supports_threads(network: Network) -> bool:
    return network in THREADED_NETWORKS
