"""Every tenant's queries matched at once: one Aho-Corasick automaton over the positive terms
of all queries finds the candidate queries of a post in one pass over its text; only those are
evaluated as boolean trees.

With 10,000 queries and 1 % of posts matching, nearly every post finds no candidate and costs
one automaton scan; a regular expression per query would cost 10,000 scans.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from listening.domain.queries import ListeningQuery
from listening.domain.query_ast import Term, evaluate, positive_terms
from listening.domain.text import Document


@dataclass(frozen=True, slots=True)
class Match:
    query: ListeningQuery
    terms: tuple[str, ...]
    """The query's positive terms found in the post, as the query spells them."""


class Matcher:
    """Immutable once built: a change of queries builds a new one (see the query index)."""

    def __init__(self, queries: Iterable[ListeningQuery]) -> None:
        self._automaton = ahocorasick.Automaton()
        self.size = 0
        patterns: dict[str, list[tuple[ListeningQuery, Term]]] = {}
        for query in queries:
            self.size += 1
            for term in positive_terms(query.tree):
                patterns.setdefault(term.pattern, []).append((query, term))
        for pattern, owners in patterns.items():
            self._automaton.add_word(pattern, tuple(owners))
        if patterns:
            self._automaton.make_automaton()
        self._empty = not patterns

    def candidates(self, document: Document, tenant_id: str) -> list[Match]:
        """The tenant's queries one of whose positive terms occurs in the post (one pass of
        the automaton), each with the terms found; not yet evaluated."""
        if self._empty:
            return []
        found: dict[str, tuple[ListeningQuery, set[str]]] = {}
        for _, owners in self._automaton.iter(document.spaced):
            for query, term in owners:
                if query.tenant_id == tenant_id:
                    found.setdefault(query.id, (query, set()))[1].add(term.text)
        return [Match(query, tuple(sorted(terms))) for query, terms in found.values()]

    def match(self, document: Document, tenant_id: str) -> list[Match]:
        """The tenant's queries the post matches: the candidates whose tree holds."""
        return [
            candidate
            for candidate in self.candidates(document, tenant_id)
            if evaluate(candidate.query.tree, document)
        ]
