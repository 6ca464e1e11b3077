"""Release tags as hashtags every network recognises."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import regex

from distribution.domain.social.graphemes import grapheme_count

# Bluesky's tag facet allows at most 64 graphemes; the other networks accept that too.
HASHTAG_MAX_GRAPHEMES = 64
# A hashtag is '#' + letters, marks (Indic vowel signs, accents), digits and underscores.
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}_]+")
# All-digit tags ("#2024") are not hashtags on Mastodon or Bluesky.
_LETTER = regex.compile(r"\p{L}")


def _camel_case(words: list[str]) -> str:
    return "".join(word[:1].upper() + word[1:] for word in words)


def hashtag_for(tag: str) -> str | None:
    """``#Tag`` for one tag (multi-word tags in CamelCase), or ``None`` if no valid hashtag."""
    words = _WORD.findall(unicodedata.normalize("NFC", tag))
    name = words[0] if len(words) == 1 else _camel_case(words)
    if not _LETTER.search(name) or grapheme_count(name) > HASHTAG_MAX_GRAPHEMES:
        return None
    return f"#{name}"


def hashtags_for(tags: Iterable[str]) -> list[str]:
    """The tags' hashtags in order, invalid ones and case-insensitive duplicates dropped."""
    seen: set[str] = set()
    hashtags = []
    for tag in tags:
        hashtag = hashtag_for(tag)
        if hashtag is not None and hashtag.casefold() not in seen:
            seen.add(hashtag.casefold())
            hashtags.append(hashtag)
    return hashtags
