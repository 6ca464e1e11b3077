"""A parsed listening query: a tree of terms, filters and boolean operators, and how it is
evaluated against a :class:`~listening.domain.text.Document`.

Terms answer where they occur (spans of word positions), so ``NEAR/n`` can compare positions;
everything else answers true or false.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from listening.domain.text import Document

Span = tuple[int, int]
"""Word positions ``[start, end)`` of one occurrence."""


@dataclass(frozen=True, slots=True)
class Term:
    """A word, a phrase of words, or a prefix (``sustainab*``), all folded."""

    kind: Literal["word", "phrase", "prefix"]
    words: tuple[str, ...]
    text: str
    """As the user wrote it: reported as the matched term."""

    @property
    def pattern(self) -> str:
        """What the automaton looks for in :attr:`Document.spaced`: whole words, or a prefix."""
        joined = " ".join(self.words)
        return f" {joined}" if self.kind == "prefix" else f" {joined} "

    def spans(self, document: Document) -> list[Span]:
        if self.kind == "prefix":
            prefix = self.words[0]
            return [(i, i + 1) for i, word in enumerate(document.words) if word.startswith(prefix)]
        first, rest = self.words[0], self.words[1:]
        found = []
        for start in document.positions.get(first, ()):
            end = start + 1 + len(rest)
            if document.words[start + 1 : end] == rest:
                found.append((start, end))
        return found


@dataclass(frozen=True, slots=True)
class Filter:
    """``lang:sv`` or ``source:mastodon``: true when the post's language or source is that."""

    field: Literal["lang", "source"]
    value: str


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Near:
    """Both sides within ``distance`` words of each other (in either order)."""

    left: Term | Or
    right: Term | Or
    distance: int


Node = Term | Filter | Not | And | Or | Near


def evaluate(node: Node, document: Document) -> bool:
    if isinstance(node, Term):
        return bool(node.spans(document))
    if isinstance(node, Filter):
        actual = document.language if node.field == "lang" else document.source
        return actual is not None and actual.lower() == node.value
    if isinstance(node, Not):
        return not evaluate(node.operand, document)
    if isinstance(node, And):
        return all(evaluate(operand, document) for operand in node.operands)
    if isinstance(node, Or):
        return any(evaluate(operand, document) for operand in node.operands)
    return _near(node, document)


def _near(node: Near, document: Document) -> bool:
    lefts, rights = _spans(node.left, document), _spans(node.right, document)
    return any(_gap(left, right) <= node.distance for left in lefts for right in rights)


def _spans(node: Term | Or, document: Document) -> list[Span]:
    if isinstance(node, Term):
        return node.spans(document)
    return [span for operand in node.operands for span in _spans(_term_or_or(operand), document)]


def _term_or_or(node: Node) -> Term | Or:
    assert isinstance(node, Term | Or), "the parser admits only terms and ORs of terms in NEAR"
    return node


def _gap(a: Span, b: Span) -> int:
    """Words strictly between two occurrences (0: adjacent or overlapping)."""
    return max(0, b[0] - a[1], a[0] - b[1])


def positive_terms(node: Node) -> Iterator[Term]:
    """The terms not under a NOT: a post can only match if one of them occurs (see
    :func:`anchored`), so these are what the automaton looks for."""
    if isinstance(node, Term):
        yield node
    elif isinstance(node, And | Or):
        for operand in node.operands:
            yield from positive_terms(operand)
    elif isinstance(node, Near):
        yield from positive_terms(node.left)
        yield from positive_terms(node.right)


Commonness = Callable[[Term], float]
"""How often a term occurs in posts, in any unit that orders terms (higher: more common)."""


def by_length(term: Term) -> float:
    """Commonness without statistics: short terms are common, and a prefix (``sustainab*``)
    finds more than the word of the same letters."""
    letters = len(" ".join(term.words))
    return 1 / letters * (2 if term.kind == "prefix" else 1)


def anchor_terms(node: Node, commonness: Commonness = by_length) -> list[Term]:
    """A set of terms one of which occurs in every post the query matches: what the automaton
    needs to find the query's candidates. Smaller than :func:`positive_terms`: of an AND or a
    NEAR only one side must occur, so only the rarest side is indexed (``acme AND support``
    anchors on ``acme`` alone, and a post saying "support" is no candidate); a side's
    commonness is the sum of its terms'. Raises ValueError for a query not :func:`anchored`."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Or):
        return [term for operand in node.operands for term in anchor_terms(operand, commonness)]
    if isinstance(node, Near):
        sides = [anchor_terms(node.left, commonness), anchor_terms(node.right, commonness)]
        return _rarest(sides, commonness)
    if isinstance(node, And):
        sides = [anchor_terms(op, commonness) for op in node.operands if anchored(op)]
        if sides:
            return _rarest(sides, commonness)
    raise ValueError("the query has no term that must occur")


def _rarest(sides: list[list[Term]], commonness: Commonness) -> list[Term]:
    return min(sides, key=lambda terms: sum(commonness(term) for term in terms))


def anchored(node: Node) -> bool:
    """Whether every post the query matches contains one of its positive terms. Queries that
    are not (``NOT acme``, ``lang:sv``) would match almost everything, and the automaton could
    not find their candidates: the parser refuses them."""
    if isinstance(node, Term | Near):
        return True
    if isinstance(node, And):
        return any(anchored(operand) for operand in node.operands)
    if isinstance(node, Or):
        return all(anchored(operand) for operand in node.operands)
    return False
