"""Grapheme clusters: the unit a reader sees as one character, and the unit we never cut inside."""

from __future__ import annotations

import regex

# \X is an extended grapheme cluster (UAX #29), the unit Bluesky counts.
_GRAPHEME = regex.compile(r"\X")
# Emoji sequences are built from these code points (ZWJ, VS16, skin tones, tags, keycaps...).
_EMOJI_PART = regex.compile(r"[\p{Emoji}\p{Emoji_Component}]")
# ...and at least one of these makes the sequence a picture rather than a plain digit or '#'.
_EMOJI_CORE = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")
# Scripts written without spaces between words: a line may break between any two of their
# characters (UAX #14 class ID), so a text may be shortened there without cutting a word.
_NO_SPACE_SCRIPT = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Bopomofo}\u3000-\u303f\uff00-\uffef]"
)


def graphemes(text: str) -> list[str]:
    clusters: list[str] = _GRAPHEME.findall(text)
    return clusters


def grapheme_count(text: str) -> int:
    return len(graphemes(text))


def is_emoji(grapheme: str) -> bool:
    """Whether a grapheme is one emoji (a single pictograph, a flag, a keycap or a ZWJ sequence)."""
    return bool(_EMOJI_CORE.search(grapheme)) and all(_EMOJI_PART.match(c) for c in grapheme)


def is_space(grapheme: str) -> bool:
    return grapheme.isspace()


def breaks_without_space(grapheme: str) -> bool:
    """Whether a line may break before or after this grapheme although no space is there."""
    return bool(_NO_SPACE_SCRIPT.match(grapheme))
