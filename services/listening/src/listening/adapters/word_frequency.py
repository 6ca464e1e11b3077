"""How common a query's term is in posts, from ``wordfreq`` (word frequencies of many
languages; its lists ship in the wheel): the matcher indexes the rarest side of each AND and
NEAR, so a query ``acme AND support`` makes candidates of posts saying "acme", not of every
post saying "support".

A term's commonness is its expected occurrences per million words: a word's frequency in the
most frequent of :data:`LANGUAGES`; a phrase's, its rarest word's; a prefix's, its letters'
as a word, ten times over (it finds every word it begins). Words no list knows (brands, mostly)
count as rare.
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency

from listening.domain.query_ast import Term

LANGUAGES = ("en", "sv")
PREFIX_FACTOR = 10.0


@lru_cache(maxsize=100_000)
def _per_million(word: str) -> float:
    zipf = max(zipf_frequency(word, language) for language in LANGUAGES)
    return 10 ** (zipf - 3) if zipf else 0.0


def commonness(term: Term) -> float:
    rarest = min(_per_million(word) for word in term.words)
    return rarest * PREFIX_FACTOR if term.kind == "prefix" else rarest
