"""The listening query language, parsed with lark (LALR).

Syntax, as listening tools (Brandwatch, Talkwalker, Meltwater) spell it::

    (acme OR "acme corp") AND (outage OR broken) NOT lang:de
    "road runner" NEAR/3 (fast* OR quick)
    sustainab* source:mastodon

- words, ``"exact phrases"`` and suffix wildcards ``sustainab*`` (at least three letters
  before the ``*``); case and diacritics are folded (``Café`` = ``cafe``);
- ``AND`` (also by juxtaposition), ``OR``, ``NOT``, parentheses; operators are upper case, so
  ``and`` and ``or`` are words; ``NOT`` binds tightest, then ``NEAR/n``, ``AND``, ``OR``;
- ``a NEAR/n b``: both within ``n`` words, either order; each side a term or a parenthesised
  ``OR`` of terms;
- filters ``lang:<code>`` and ``source:<kind>`` combine like terms.

Why lark rather than a hand-written parser: the grammar below is the whole syntax in one place,
LALR parses in linear time, every error carries its position, and lark is a well-kept
pure-Python library with no dependencies. Why not regular expressions: nesting.
"""

from __future__ import annotations

from functools import lru_cache

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken
from lark.exceptions import VisitError

from listening.domain.errors import QuerySyntaxError
from listening.domain.query_ast import (
    And,
    Filter,
    Near,
    Node,
    Not,
    Or,
    Term,
    anchored,
)
from listening.domain.sources import SOURCE_KINDS
from listening.domain.text import words

MAX_QUERY_LENGTH = 4000
MIN_PREFIX = 3
MAX_NEAR = 100

GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: near_expr (_AND? near_expr)*
?near_expr: not_expr (NEAR not_expr)*
?not_expr: _NOT not_expr -> negation
         | atom
?atom: "(" or_expr ")"
     | PHRASE -> phrase
     | PREFIX -> prefix
     | FILTER -> filter
     | WORD -> word

// A term ends at white space, a parenthesis, a quote or the end ((?![^\s()"]) below): the
// lexer tries terminals by priority, not by length, so without it ANDROID would lex as AND.
_OR.2: /OR(?![^\s()"])/
_AND.2: /AND(?![^\s()"])/
_NOT.2: /NOT(?![^\s()"])/
NEAR.2: /NEAR\/[0-9]+(?![^\s()"])/
PHRASE: /"[^"]*"/
FILTER.3: /[A-Za-z]+:[^\s()"]*/
PREFIX: /[^\s()"*:]+\*(?![^\s()"])/
WORD: /[^\s()"*:]+/
%ignore /\s+/
"""

# The basic lexer, not lark's contextual one: an operator is an operator wherever it stands
# (``a OR OR b`` is an error, not a search for the word "or").
_PARSER = Lark(GRAMMAR, parser="lalr", lexer="basic", maybe_placeholders=False)

_EXPECTED = {
    "WORD": "a word",
    "PHRASE": 'a "phrase"',
    "PREFIX": "a wildcard",
    "FILTER": "a filter",
    "LPAR": "(",
    "RPAR": ")",
}


# Trees are immutable, so one parse serves every copy of a text: each replica rebuilds its
# matcher from all queries whenever one changes, and parses only the texts it has not seen
# (lark takes ~0.3 ms a query: 10,000 of them would hold the event loop for seconds).
@lru_cache(maxsize=65_536)
def parse_query(text: str) -> Node:
    """The query's tree; raises :class:`QuerySyntaxError` naming the position of the fault."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"a query has at most {MAX_QUERY_LENGTH} characters", 0)
    if not text.strip():
        raise QuerySyntaxError("the query is empty", 0)
    try:
        tree = _PARSER.parse(text)
        node: Node = _Build().transform(tree)
    except UnexpectedCharacters as error:
        position = error.pos_in_stream or 0
        raise QuerySyntaxError(_unexpected_character(text, position), position) from None
    except UnexpectedEOF:
        raise _early_end(text) from None
    except UnexpectedToken as error:
        raise _unexpected_token(error, len(text)) from None
    except VisitError as error:
        if isinstance(error.orig_exc, QuerySyntaxError):
            raise error.orig_exc from None
        raise
    if not anchored(node):
        raise QuerySyntaxError(
            "the query needs a word or phrase that must occur (not only NOT or filters)", 0
        )
    return node


def _early_end(text: str) -> QuerySyntaxError:
    return QuerySyntaxError("the query ends too early: a term is missing", len(text))


def _unexpected_character(text: str, position: int) -> str:
    if text[position] == '"':
        return 'the phrase starting here has no closing "'
    if text[position] == "*":
        return "a wildcard * must end a word of at least three letters"
    return f"unexpected character {text[position]!r}"


def _unexpected_token(error: UnexpectedToken, length: int) -> QuerySyntaxError:
    token = error.token
    if token.type == "$END":
        if "RPAR" in error.expected:
            return QuerySyntaxError("a ( is not closed", length)
        return QuerySyntaxError("the query ends too early: a term is missing", length)
    position = token.start_pos if token.start_pos is not None else 0
    expected = sorted({_EXPECTED[name] for name in error.expected if name in _EXPECTED})
    wanted = f"; expected {' or '.join(expected)}" if expected else ""
    return QuerySyntaxError(f"unexpected {str(token)!r}{wanted}", position)


class _Build(Transformer[Token, Node]):
    """Parse tree to :mod:`~listening.domain.query_ast` nodes, checking what the grammar
    cannot (empty phrases, short prefixes, NEAR's operands, filter names)."""

    def word(self, children: list[Token]) -> Node:
        token = children[0]
        if str(token) == "NEAR" or str(token).startswith("NEAR/"):
            raise QuerySyntaxError("NEAR needs a distance in words: NEAR/3", _at(token))
        return _term(token, str(token))

    def phrase(self, children: list[Token]) -> Node:
        token = children[0]
        inner = str(token)[1:-1]
        if "*" in inner:
            raise QuerySyntaxError("wildcards are not allowed inside a phrase", _at(token))
        return _term(token, inner, quoted=True)

    def prefix(self, children: list[Token]) -> Node:
        token = children[0]
        found = words(str(token)[:-1])
        if len(found) != 1 or len(found[0]) < MIN_PREFIX:
            raise QuerySyntaxError(
                f"a wildcard needs one word of at least {MIN_PREFIX} letters before the *",
                _at(token),
            )
        return Term("prefix", (found[0],), str(token))

    def filter(self, children: list[Token]) -> Node:
        token = children[0]
        name, _, value = str(token).partition(":")
        value = value.lower()
        if name.lower() in ("lang", "language"):
            if not value.isalpha() or not 2 <= len(value) <= 3:
                raise QuerySyntaxError("lang: needs a language code such as en or sv", _at(token))
            return Filter("lang", value)
        if name.lower() == "source":
            if value not in SOURCE_KINDS:
                kinds = ", ".join(SOURCE_KINDS)
                raise QuerySyntaxError(f"source: is one of {kinds}", _at(token))
            return Filter("source", value)
        raise QuerySyntaxError(f"unknown filter {name!r}: use lang: or source:", _at(token))

    def negation(self, children: list[Node]) -> Node:
        return Not(children[-1])

    def and_expr(self, children: list[Node]) -> Node:
        return And(tuple(children))

    def or_expr(self, children: list[Node]) -> Node:
        return Or(tuple(children))

    def near_expr(self, children: list[Node | Token]) -> Node:
        left = _near_operand(children[0], children[1])
        for index in range(1, len(children), 2):
            token, right = children[index], children[index + 1]
            assert isinstance(token, Token)
            distance = int(str(token).split("/", 1)[1])
            if distance > MAX_NEAR:
                raise QuerySyntaxError(f"NEAR/n allows n up to {MAX_NEAR}", _at(token))
            near = Near(left, _near_operand(right, token), distance)
            if index + 2 < len(children):
                raise QuerySyntaxError(
                    "chain NEAR with parentheses and AND: a NEAR/n b AND b NEAR/m c",
                    _at(children[index + 2]),
                )
            return near
        raise AssertionError("near_expr has at least one NEAR")


def _term(token: Token, text: str, *, quoted: bool = False) -> Term:
    found = tuple(words(text))
    if not found:
        what = "the phrase has no words" if quoted else "the term has no letters or digits"
        raise QuerySyntaxError(what, _at(token))
    if len(found) == 1:
        return Term("word", found, str(token))
    return Term("phrase", found, str(token))


def _near_operand(node: Node | Token, near: Node | Token) -> Term | Or:
    if isinstance(node, Term):
        return node
    if isinstance(node, Or) and all(isinstance(operand, Term) for operand in node.operands):
        return node
    raise QuerySyntaxError(
        "each side of NEAR/n is a term or a parenthesised OR of terms", _at(near)
    )


def _at(item: Node | Token) -> int:
    if isinstance(item, Token) and item.start_pos is not None:
        return item.start_pos
    return 0
