"""Shortening text to fit, only where a reader sees a break: between words, never inside a word,
a link or a grapheme."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

import regex

from distribution.domain.social.graphemes import breaks_without_space, graphemes, is_space
from distribution.domain.social.links import find_links

ELLIPSIS = "…"
# Left dangling before the ellipsis they would read as "Hello,…"; so they go.
_DANGLING = ",;:-\u2013\u2014"  # also en and em dashes
_PUNCTUATION = regex.compile(r"\p{P}")

Fits = Callable[[str], bool]


def _may_break_between(before: str, after: str) -> bool:
    if is_space(after):
        return not is_space(before)  # the end of a word
    if is_space(before):
        return False  # the same break as at the word's end, already counted there
    # In CJK text any two characters may part, except before punctuation (kinsoku: "、" and "。"
    # never start a line).
    return (breaks_without_space(before) or breaks_without_space(after)) and not bool(
        _PUNCTUATION.match(after)
    )


def word_breaks(text: str) -> list[int]:
    """Offsets (ascending, inside the text) where it may be cut keeping every word whole."""
    clusters = graphemes(text)
    offsets, position = [], 0
    for before, after in pairwise(clusters):
        position += len(before)
        if _may_break_between(before, after):
            offsets.append(position)
    links = find_links(text)
    return [o for o in offsets if not any(link.start < o < link.end for link in links)]


def grapheme_breaks(text: str) -> list[int]:
    """Every offset between two graphemes: the last resort for a word longer than a whole post."""
    offsets, position = [], 0
    for cluster in graphemes(text)[:-1]:
        position += len(cluster)
        offsets.append(position)
    return offsets


def longest_fitting(candidates: Sequence[str], fits: Fits) -> int | None:
    """Index of the longest candidate that fits, candidates given shortest first.

    A longer prefix never counts less on any network, so what fits is a prefix of the list: a
    galloping search (1, 2, 4... then halving) finds its end counting texts about as long as the
    answer, not the whole text (a lead may be many posts long). Every returned index was checked.
    """
    if not candidates or not fits(candidates[0]):
        return None
    fitting, step = 0, 1
    while fitting + step < len(candidates) and fits(candidates[fitting + step]):
        fitting, step = fitting + step, step * 2
    low, high = fitting + 1, min(fitting + step, len(candidates)) - 1
    while low <= high:
        middle = (low + high) // 2
        if fits(candidates[middle]):
            fitting, low = middle, middle + 1
        else:
            high = middle - 1
    return fitting


def with_ellipsis(prefix: str) -> str:
    kept = prefix.rstrip().rstrip(_DANGLING).rstrip()
    return kept + ELLIPSIS if kept else ""


def shorten_to_fit(text: str, fits: Fits) -> str | None:
    """``text`` if it fits, else its longest word-boundary prefix + "…" that fits, else ``None``."""
    if fits(text):
        return text
    candidates = [c for c in (with_ellipsis(text[:offset]) for offset in word_breaks(text)) if c]
    best = longest_fitting(candidates, fits)
    return None if best is None else candidates[best]
