"""Search within a newsroom: the words of a release as stems, a reader's query as stems, and
the order of the results.

Stems are computed here with Snowball (``snowballstemmer``: English and Swedish; words of other
languages are matched as they are written, case folded) and stored with each release as an
array, one element per distinct stem, under a multikey index. A query matches a release that
holds all its stems (``$all``). Not MongoDB's text index: the local MongoDB-protocol server has
none, and one design that runs the same on both keeps the tests honest; it also lets the
newsroom's two languages be stemmed each its own way, which a text index (one language per
index, or per document through a field) does less simply. Ranking is done here, on the
candidates the database returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from typing import Any

import snowballstemmer

from publisher.domain.content import ReleaseContent
from publisher.domain.release import Release

STEMMERS = {"en": "english", "sv": "swedish"}
QUERY_LANGUAGES = ("en", "sv")  # a query is read as each of these: readers do not say which
MAX_TERMS = 5_000  # distinct stems kept per release (the first ones): bounds the index entries
MAX_QUERY_WORDS = 10
_WORD = re.compile(r"[^\W_]+")  # letters and digits, in any script

# How much a match counts where it is found.
WEIGHTS = (("title", 5), ("tags", 3), ("lead", 2), ("body", 1))


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The words of a (sanitised) HTML body; elements end words (``a<p>b`` is two)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


@cache
def _stemmer(language: str) -> Any:
    algorithm = STEMMERS.get(language.replace("_", "-").split("-", 1)[0].lower())
    return None if algorithm is None else snowballstemmer.stemmer(algorithm)


def stems(text: str, language: str) -> list[str]:
    """The stems of ``text`` read as ``language`` (its words as they are without a stemmer)."""
    found = words(text)
    stemmer = _stemmer(language)
    return found if stemmer is None else list(stemmer.stemWords(found))


def _fields(content: ReleaseContent) -> dict[str, list[str]]:
    language = content.language
    return {
        "title": stems(content.title, language),
        "tags": stems(" ".join(content.tags), language),
        "lead": stems(content.lead, language),
        "body": stems(plain_text(content.body), language),
    }


def index_terms(content: ReleaseContent) -> list[str]:
    """What a release is found by: its distinct stems, title first, at most ``MAX_TERMS``."""
    distinct = dict.fromkeys(stem for field in _fields(content).values() for stem in field)
    return list(distinct)[:MAX_TERMS]


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    variants: tuple[tuple[str, ...], ...]  # the query's stems in each reading, distinct

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(stem for variant in self.variants for stem in variant)


def parse_query(text: str, languages: Iterable[str] = ()) -> Query | None:
    """The query read as each of ``languages`` and English and Swedish; ``None`` without words."""
    if not words(text):
        return None
    limited = " ".join(words(text)[:MAX_QUERY_WORDS])
    readings = dict.fromkeys([*languages, *QUERY_LANGUAGES])
    variants = dict.fromkeys(tuple(dict.fromkeys(stems(limited, lang))) for lang in readings)
    return Query(text=text, variants=tuple(variants))


def score(release: Release, query: Query) -> int:
    """How well ``release`` answers: each query stem found, weighted by where, once a field."""
    wanted = query.stems
    fields = _fields(release.content)
    return sum(weight * len(wanted.intersection(fields[name])) for name, weight in WEIGHTS)


def rank(releases: Sequence[Release], query: Query) -> list[Release]:
    """Best first; equal scores newest first."""
    newest_first = sorted(
        releases, key=lambda r: (r.published_at or r.updated_at, r.id), reverse=True
    )
    return sorted(newest_first, key=lambda r: score(r, query), reverse=True)
