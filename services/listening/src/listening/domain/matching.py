"""Every tenant's queries matched at once: one Aho-Corasick automaton over the anchor terms of
all queries (per query, terms one of which every match contains: see
:func:`~listening.domain.query_ast.anchor_terms`) finds the candidate queries of a post in one
pass over its text; only those are evaluated as boolean trees.

With 10,000 queries and 1 % of posts matching, nearly every post finds no candidate and costs
one automaton scan; a regular expression per query would cost 10,000 scans.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from listening.domain.queries import ListeningQuery
from listening.domain.query_ast import (
    Commonness,
    anchor_terms,
    by_length,
    evaluate,
    positive_terms,
)
from listening.domain.text import Document


@dataclass(frozen=True, slots=True)
class Match:
    query: ListeningQuery
    terms: tuple[str, ...]
    """The query's positive terms found in the post, as the query spells them."""


class Matcher:
    """Immutable once built: a change of queries builds a new one (see the query index)."""

    def __init__(
        self, queries: Iterable[ListeningQuery], commonness: Commonness = by_length
    ) -> None:
        self._automaton = ahocorasick.Automaton()
        self.size = 0
        # pattern -> tenant -> the tenant's queries anchored on it: a post's scan meets only its
        # own tenant's queries, however many tenants share a word.
        patterns: dict[str, dict[str, list[ListeningQuery]]] = {}
        for query in queries:
            self.size += 1
            for term in anchor_terms(query.tree, commonness):
                anchored = patterns.setdefault(term.pattern, {}).setdefault(query.tenant_id, [])
                if not anchored or anchored[-1] is not query:  # one query, two equal terms
                    anchored.append(query)
        for pattern, by_tenant in patterns.items():
            self._automaton.add_word(pattern, {t: tuple(qs) for t, qs in by_tenant.items()})
        if patterns:
            self._automaton.make_automaton()
        self._empty = not patterns

    def candidates(self, document: Document, tenant_id: str) -> list[ListeningQuery]:
        """The tenant's queries one of whose anchor terms occurs in the post (one pass of the
        automaton); not yet evaluated."""
        if self._empty:
            return []
        found: dict[str, ListeningQuery] = {}
        for _, owners in self._automaton.iter(document.spaced):
            for query in owners.get(tenant_id, ()):
                found[query.id] = query
        return list(found.values())

    def candidates_of_every_tenant(self, document: Document) -> dict[str, list[ListeningQuery]]:
        """For a post shared by every tenant (the Bluesky firehose): each tenant's candidate
        queries, from the same single pass of the automaton; a post no tenant's anchor term
        occurs in costs what a tenant's post costs."""
        if self._empty:
            return {}
        found: dict[str, dict[str, ListeningQuery]] = {}
        for _, owners in self._automaton.iter(document.spaced):
            for tenant_id, queries in owners.items():
                mine = found.setdefault(tenant_id, {})
                for query in queries:
                    mine[query.id] = query
        return {tenant_id: list(queries.values()) for tenant_id, queries in found.items()}

    def match(self, document: Document, tenant_id: str) -> list[Match]:
        """The tenant's queries the post matches, each with its positive terms found."""
        return matches_among(self.candidates(document, tenant_id), document)


def matches_among(candidates: Iterable[ListeningQuery], document: Document) -> list[Match]:
    """The candidates whose tree holds for the post, each with its positive terms found."""
    return [
        Match(query, _found_terms(query, document))
        for query in candidates
        if evaluate(query.tree, document)
    ]


def _found_terms(query: ListeningQuery, document: Document) -> tuple[str, ...]:
    return tuple(sorted({term.text for term in positive_terms(query.tree) if term.spans(document)}))
