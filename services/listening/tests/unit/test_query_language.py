"""The query language: what parses into what, what matches what, and every error naming its
position."""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listening.domain.errors import QuerySyntaxError
from listening.domain.query_ast import (
    And,
    Filter,
    Near,
    Not,
    Or,
    Term,
    anchor_terms,
    evaluate,
    positive_terms,
)
from listening.domain.query_language import MAX_QUERY_LENGTH, parse_query
from listening.domain.sources import SOURCE_KINDS
from listening.domain.text import Document, fold, words
from newsroom_shared.events.listening import SourceKind


def word(text: str) -> Term:
    return Term("word", (fold(text),), text)


def matches(
    query: str, text: str, *, language: str | None = None, source: str | None = None
) -> bool:
    return evaluate(parse_query(query), Document.of(text, language=language, source=source))


# --- folding and words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Café", "cafe"),
        ("ÅNGSTRÖM", "angstrom"),
        ("Straße", "strasse"),
        ("Øresund", "oresund"),
        ("Łódź", "lodz"),
        ("ﬁnance", "finance"),  # a ligature: NFKD takes it apart
        ("naïve résumé", "naive resume"),
    ],
)
def test_fold_drops_case_and_diacritics(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_words_cut_on_everything_but_letters_and_digits() -> None:
    assert words("Acme's Road-Runner 2, now!") == ["acme", "s", "road", "runner", "2", "now"]


# --- what parses into what ---------------------------------------------------------------


def test_a_single_word() -> None:
    assert parse_query("Acme") == word("Acme")


def test_juxtaposition_is_and() -> None:
    assert parse_query("acme roadrunner") == parse_query("acme AND roadrunner")
    assert parse_query("acme roadrunner") == And((word("acme"), word("roadrunner")))


def test_and_binds_tighter_than_or() -> None:
    assert parse_query("a AND b OR c") == Or((And((word("a"), word("b"))), word("c")))
    assert parse_query("a OR b AND c") == Or((word("a"), And((word("b"), word("c")))))


def test_parentheses_group() -> None:
    assert parse_query("(a OR b) AND c") == And((Or((word("a"), word("b"))), word("c")))
    assert parse_query("((a))") == word("a")


def test_not_binds_tightest() -> None:
    assert parse_query("acme NOT coyote") == And((word("acme"), Not(word("coyote"))))
    assert parse_query("acme NOT (a OR b)") == And((word("acme"), Not(Or((word("a"), word("b"))))))
    assert parse_query("acme AND NOT NOT b") == And((word("acme"), Not(Not(word("b")))))


def test_operators_are_upper_case_only() -> None:
    assert parse_query("rock and roll") == And((word("rock"), word("and"), word("roll")))
    assert parse_query("this or that") == And((word("this"), word("or"), word("that")))
    assert parse_query("ANDROID ORACLE NOTION") == And(
        (word("ANDROID"), word("ORACLE"), word("NOTION"))
    )


def test_an_exact_phrase() -> None:
    assert parse_query('"Acme Corp"') == Term("phrase", ("acme", "corp"), '"Acme Corp"')


def test_a_word_that_folds_into_two_is_a_phrase() -> None:
    assert parse_query("co-op") == Term("phrase", ("co", "op"), "co-op")


def test_a_phrase_of_one_word_is_a_word() -> None:
    assert parse_query('"acme"') == Term("word", ("acme",), '"acme"')


def test_operators_inside_a_phrase_are_words() -> None:
    assert parse_query('"salt AND pepper"') == Term(
        "phrase", ("salt", "and", "pepper"), '"salt AND pepper"'
    )


def test_a_suffix_wildcard() -> None:
    assert parse_query("Sustainab*") == Term("prefix", ("sustainab",), "Sustainab*")
    assert parse_query("café*") == Term("prefix", ("cafe",), "café*")


def test_near() -> None:
    assert parse_query("acme NEAR/3 outage") == Near(word("acme"), word("outage"), 3)


def test_near_takes_an_or_of_terms_on_either_side() -> None:
    assert parse_query('(acme OR "acme corp") NEAR/5 (down OR broken*)') == Near(
        Or((word("acme"), Term("phrase", ("acme", "corp"), '"acme corp"'))),
        Or((word("down"), Term("prefix", ("broken",), "broken*"))),
        5,
    )


def test_filters() -> None:
    assert parse_query("acme lang:SV source:mastodon") == And(
        (word("acme"), Filter("lang", "sv"), Filter("source", "mastodon"))
    )
    assert parse_query("acme language:en") == And((word("acme"), Filter("lang", "en")))


def test_source_kinds_are_the_contracts() -> None:
    assert set(SOURCE_KINDS) == set(get_args(SourceKind))


def test_whitespace_of_any_kind_separates() -> None:
    assert parse_query(" acme\tOR\nroadrunner ") == Or((word("acme"), word("roadrunner")))


def test_positive_terms_leave_out_what_is_under_not() -> None:
    tree = parse_query('(acme OR "road runner") NOT coyote NOT (a OR b)')
    assert [term.text for term in positive_terms(tree)] == ["acme", '"road runner"']


# --- errors, each with its position ------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "position", "says"),
    [
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("acme AND", 8, "ends too early"),
        ("acme OR", 7, "ends too early"),
        ("acme NOT", 8, "ends too early"),
        ("NOT", 3, "ends too early"),
        ("(acme OR b", 10, "( is not closed"),
        ("acme (", 6, "ends too early"),
        ("acme) b", 4, "unexpected ')'"),
        ("()", 1, "unexpected ')'"),
        ("a OR OR b", 5, "unexpected 'OR'"),
        ("AND acme", 0, "unexpected 'AND'"),
        ('"acme', 0, "no closing"),
        ('acme "corp', 5, "no closing"),
        ('""', 0, "no words"),
        ('"  ,  "', 0, "no words"),
        ("--", 0, "no letters"),
        ("ac*", 0, "at least 3 letters"),
        ("*acme", 0, "wildcard"),
        ("ac*me", 2, "wildcard * must end a word"),
        ('"climate chang*"', 0, "inside a phrase"),
        ("NOT acme", 0, "must occur"),
        ("lang:en", 0, "must occur"),
        ("acme OR NOT b", 0, "must occur"),
        ("NOT a AND lang:sv", 0, "must occur"),
        ("acme NEAR/3", 11, "ends too early"),
        ("NEAR/3 acme", 0, "unexpected 'NEAR/3'"),
        ("a NEAR b", 2, "NEAR needs a distance"),
        ("a NEAR/x b", 2, "NEAR needs a distance"),
        ("a NEAR/101 b", 2, "up to 100"),
        ("a NEAR/2 b NEAR/3 c", 11, "chain NEAR"),
        ("a NEAR/2 (b AND c)", 2, "term or a parenthesised OR"),
        ("(a AND b) NEAR/2 c", 10, "term or a parenthesised OR"),
        ("a NEAR/2 NOT b", 2, "term or a parenthesised OR"),
        ("acme lang:english", 5, "language code"),
        ("acme source:twitter", 5, "source: is one of"),
        ("acme http://acme.example", 5, "unknown filter 'http'"),
        ("acme ~ b", 5, "no letters"),
        ("acme *", 5, "wildcard * must end a word"),
        ("acme ac*me", 7, "wildcard * must end a word"),
    ],
)
def test_errors_name_their_position(query: str, position: int, says: str) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse_query(query)
    assert raised.value.position == position, raised.value
    assert says in raised.value.message, raised.value
    assert f"at position {position}" in str(raised.value)


def test_a_query_too_long_is_refused() -> None:
    with pytest.raises(QuerySyntaxError, match="at most"):
        parse_query("a " * (MAX_QUERY_LENGTH // 2 + 1))


def test_a_long_flat_query_parses() -> None:
    tree = parse_query(" OR ".join(f"term{i}" for i in range(300)))
    assert isinstance(tree, Or)
    assert len(tree.operands) == 300


def test_deep_nesting_parses() -> None:
    assert parse_query("(" * 200 + "acme" + ")" * 200) == word("acme")


# --- what matches what -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("acme", "I love ACME products", True),
        ("acme", "I love acmeville", False),  # whole words only
        ("acme", "Acmé, déjà vu", True),  # diacritics folded in the text
        ("Acmé", "acme rocks", True),  # and in the query
        ('"acme corp"', "Acme  Corp. is great", True),
        ('"acme corp"', "Acme's corp", False),
        ('"acme corp"', "corp acme", False),
        ("sustainab*", "Sustainability report", True),
        ("sustainab*", "A sustainable future", True),
        ("sustainab*", "unsustainable", False),  # a prefix of the word, not inside it
        ("acme roadrunner", "acme ... roadrunner", True),
        ("acme roadrunner", "acme only", False),
        ("acme OR roadrunner", "roadrunner only", True),
        ("acme NOT coyote", "acme and the coyote", False),
        ("acme NOT coyote", "acme alone", True),
        ("acme NOT (coyote OR anvil)", "acme anvil", False),
        ("acme NEAR/0 outage", "acme outage", True),
        ("acme NEAR/0 outage", "outage acme", True),  # either order
        ("acme NEAR/0 outage", "acme big outage", False),
        ("acme NEAR/1 outage", "acme big outage", True),
        ("acme NEAR/2 outage", "acme is down, total outage", False),
        ("acme NEAR/3 outage", "acme is down, total outage", True),
        ('"road runner" NEAR/1 fast*', "the road runner is faster", True),
        ('"road runner" NEAR/1 fast*', "fast, says the road runner", False),
        ('"road runner" NEAR/2 fast*', "fast, says the road runner", True),
        ("(acme OR coyote) NEAR/1 (outage OR down)", "the coyote went down", True),
        ("acme NEAR/2 outage", "acme ... acme x y z outage ... outage", False),
        ("acme NEAR/3 outage", "acme ... acme x y z outage ... outage", True),  # nearest pair
        ("co-op", "the Co Op store", True),
        ("2 NEAR/0 roadrunner", "Roadrunner 2", True),
    ],
)
def test_matching(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_language_filter() -> None:
    assert matches("acme lang:sv", "acme", language="sv")
    assert not matches("acme lang:sv", "acme", language="en")
    assert not matches("acme lang:sv", "acme", language=None)  # unknown is not Swedish
    assert matches("acme NOT lang:sv", "acme", language=None)


def test_source_filter() -> None:
    assert matches("acme source:comment", "acme", source="comment")
    assert not matches("acme source:comment", "acme", source="webhook")
    assert matches("(acme source:comment) OR (coyote source:webhook)", "coyote", source="webhook")


# --- any input: a tree or a QuerySyntaxError, nothing else ------------------------------

QUERY_ALPHABET = st.sampled_from(
    ["acme", "AND", "OR", "NOT", "NEAR/2", "(", ")", '"', "*", "lang:sv", "x:", " ", "é", "~"]
)


@given(st.lists(QUERY_ALPHABET, max_size=20).map("".join) | st.text(max_size=60))
@settings(max_examples=400, deadline=None)
def test_any_text_parses_or_says_where_it_does_not(text: str) -> None:
    outcome: object
    try:
        outcome = parse_query(text)
    except QuerySyntaxError as error:
        outcome = error
    if isinstance(outcome, QuerySyntaxError):
        assert 0 <= outcome.position <= len(text)
    else:
        assert isinstance(outcome, Term | And | Or | Near)
        assert list(positive_terms(outcome))  # anchored: the automaton finds its candidates


@pytest.mark.parametrize(
    ("query", "anchors"),
    [
        ("acme", ["acme"]),
        ("acme OR coyote", ["acme", "coyote"]),
        ("supports* AND support", ["support"]),  # a word beats a prefix of the same letters
        ("acme AND (broken OR slow OR awful)", ["acme"]),  # one term beats three
        ('"acme corp" AND acme', ['"acme corp"']),  # the longer
        ("acme NEAR/3 (love OR hate)", ["acme"]),
        ("(acme OR coyote) AND roadrunner NOT anvil", ["roadrunner"]),
        ("(acme lang:en) OR (coyote source:rss)", ["acme", "coyote"]),
        ("acme AND NOT coyote", ["acme"]),
    ],
)
def test_anchor_terms_are_one_required_side(query: str, anchors: list[str]) -> None:
    assert [term.text for term in anchor_terms(parse_query(query))] == anchors


@given(st.lists(QUERY_ALPHABET, max_size=20).map("".join))
@settings(max_examples=300, deadline=None)
def test_every_match_contains_an_anchor(text: str) -> None:
    try:
        tree = parse_query(text)
    except QuerySyntaxError:
        return
    for post in ("acme", "acme acme x acme", "é acme ~", "sv lang acme", "x y"):
        document = Document.of(post, language="sv", source="rss")
        if evaluate(tree, document):
            assert any(term.spans(document) for term in anchor_terms(tree))
