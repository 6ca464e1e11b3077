"""How each network counts the length of a post's text.

Every counter is exact for the texts we compose (NFC text, http(s) links with real domains, emoji
from the Unicode list); on odd input it may count more than the network, never less, so a text it
accepts is accepted by the network too.
"""

from __future__ import annotations

import unicodedata

import regex

from distribution.domain.social.graphemes import grapheme_count, graphemes, is_emoji
from distribution.domain.social.links import find_links

# twitter-text v3 config (github.com/twitter/twitter-text, config/v3.json): weights are scaled by
# 100; code points in these ranges weigh 100, all others 200 ("defaultWeight"); every URL weighs
# transformedURLLength 23 (t.co wraps it); with emojiParsingEnabled a whole emoji sequence weighs
# defaultWeight. parseTweet counts the NFC form of the text.
X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
X_LIGHT_WEIGHT = 1
X_DEFAULT_WEIGHT = 2
X_EMOJI_WEIGHT = X_DEFAULT_WEIGHT
X_URL_LENGTH = 23


def code_points(text: str) -> int:
    return len(text)


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def code_points_with_fixed_links(text: str, url_length: int) -> int:
    """Mastodon: code points, with every http(s) link counted as ``url_length``."""
    links = find_links(text)
    return len(text) - sum(span.end - span.start for span in links) + url_length * len(links)


_X_LIGHT = regex.compile(
    "[" + "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in X_LIGHT_RANGES) + "]"
)
# Emoji sequences are looked for only in runs of emoji code points (a regex finds them at C speed;
# splitting the whole text into graphemes in Python would be slow on multi-post leads).
_EMOJI_RUN = regex.compile(r"[\p{Emoji}\p{Emoji_Component}]+")


def _x_code_points_weight(text: str) -> int:
    return X_DEFAULT_WEIGHT * len(text) - (X_DEFAULT_WEIGHT - X_LIGHT_WEIGHT) * len(
        _X_LIGHT.findall(text)
    )


def _x_plain_weight(text: str) -> int:
    weight = _x_code_points_weight(text)
    for run in _EMOJI_RUN.finditer(text):
        for grapheme in graphemes(run.group()):
            if is_emoji(grapheme):
                weight += X_EMOJI_WEIGHT - _x_code_points_weight(grapheme)
    return weight


def x_weighted_length(text: str) -> int:
    """X: the twitter-text v3 weighted length (CJK counts double, links 23, an emoji 2)."""
    text = unicodedata.normalize("NFC", text)
    weight, position = 0, 0
    for span in find_links(text):
        weight += _x_plain_weight(text[position : span.start]) + X_URL_LENGTH
        position = span.end
    return weight + _x_plain_weight(text[position:])


def bluesky_graphemes(text: str) -> int:
    return grapheme_count(text)
