"""Text as the matcher sees it: folded (case and diacritics) and cut into words.

Queries and posts go through the same two functions, so ``Café`` in a query finds ``CAFE``,
``café`` and ``cafe`` in a post, and a query word that folds into two words (``co-op``) is
looked for as the phrase of those words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Letters NFKD does not take apart into a base letter and a mark (the last is the dotless i).
_SPECIAL = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d", "\u0131": "i"}
)
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without diacritics: ``Ångström`` -> ``angstrom``, ``Straße`` -> ``strasse``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_SPECIAL)


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return _WORD.findall(fold(text))


@dataclass(frozen=True, slots=True)
class Document:
    """A post ready for matching: its words with their positions, language and source."""

    words: tuple[str, ...]
    language: str | None = None
    source: str | None = None
    positions: dict[str, list[int]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, text: str, *, language: str | None = None, source: str | None = None) -> Document:
        found = words(text)
        positions: dict[str, list[int]] = {}
        for index, word in enumerate(found):
            positions.setdefault(word, []).append(index)
        return cls(tuple(found), language, source, positions)

    @property
    def spaced(self) -> str:
        """The words joined by single spaces, with a space before and after: what the
        multi-pattern automaton scans (so a pattern ``" acme "`` is a whole word)."""
        return " " + " ".join(self.words) + " "
