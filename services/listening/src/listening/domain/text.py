"""Text as the matcher sees it: folded (case and diacritics) and cut into words.

Queries and posts go through the same two functions, so ``Café`` in a query finds ``CAFE``,
``café`` and ``cafe`` in a post, and a query word that folds into two words (``co-op``) is
looked for as the phrase of those words.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cached_property

# Letters NFKD does not take apart into a base letter and a mark (the last is the dotless i),
# and every combining mark, dropped: one str.translate does both, at C speed.
_FOLD = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d", "\u0131": "i"}
    | {chr(c): None for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c))}
)
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without diacritics: ``Ångström`` -> ``angstrom``, ``Straße`` -> ``strasse``."""
    if text.isascii():  # most posts: nothing to decompose, and casefold is lower
        return text.lower()
    return unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD)


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return _WORD.findall(fold(text))


@dataclass(frozen=True)
class Document:
    """A post ready for matching: its words, language and source (and, when a query is
    evaluated, where each word is)."""

    words: tuple[str, ...]
    language: str | None = None
    source: str | None = None

    @classmethod
    def of(cls, text: str, *, language: str | None = None, source: str | None = None) -> Document:
        return cls(tuple(words(text)), language, source)

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        """Each word's positions: built on first use, i.e. only for posts with a candidate."""
        found: dict[str, list[int]] = {}
        for index, word in enumerate(self.words):
            found.setdefault(word, []).append(index)
        return found

    @cached_property
    def spaced(self) -> str:
        """The words joined by single spaces, with a space before and after: what the
        multi-pattern automaton scans (so a pattern ``" acme "`` is a whole word)."""
        return " " + " ".join(self.words) + " "
