"""One automaton over every tenant's terms; the boolean tree decides among the candidates."""

from __future__ import annotations

from datetime import UTC, datetime

from listening.domain.matching import Matcher
from listening.domain.queries import ListeningQuery
from listening.domain.text import Document

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def query(tenant: str, text: str, name: str = "q") -> ListeningQuery:
    return ListeningQuery.create(tenant_id=tenant, name=name, text=text, now=NOW)


def ids(matcher: Matcher, text: str, tenant: str, **facts: str) -> set[str]:
    return {m.query.name for m in matcher.match(Document.of(text, **facts), tenant)}


def test_a_tenant_matches_only_its_own_queries() -> None:
    matcher = Matcher([query("t1", "acme", "mine"), query("t2", "acme", "theirs")])
    assert ids(matcher, "acme is great", "t1") == {"mine"}
    assert ids(matcher, "acme is great", "t2") == {"theirs"}
    assert ids(matcher, "acme is great", "t3") == set()


def test_candidates_come_from_positive_terms_and_the_tree_decides() -> None:
    matcher = Matcher([query("t1", "acme NOT coyote", "a"), query("t1", "acme NEAR/1 down", "b")])
    document = Document.of("Acme and the coyote went down")
    assert {c.name for c in matcher.candidates(document, "t1")} == {"a", "b"}
    assert ids(matcher, "Acme and the coyote went down", "t1") == set()
    assert ids(matcher, "acme is down", "t1") == {"a", "b"}


def test_matched_terms_are_those_found() -> None:
    matcher = Matcher([query("t1", '(acme OR "road runner" OR coyote) NOT anvil')])
    [found] = matcher.match(Document.of("The Road Runner beat ACME again"), "t1")
    assert found.terms == ('"road runner"', "acme")


def test_whole_words_and_prefixes_through_the_automaton() -> None:
    matcher = Matcher([query("t1", "acme", "word"), query("t1", "sustainab*", "prefix")])
    assert ids(matcher, "acmeville", "t1") == set()
    assert ids(matcher, "the acme", "t1") == {"word"}
    assert ids(matcher, "Sustainability matters", "t1") == {"prefix"}
    assert ids(matcher, "unsustainable", "t1") == set()


def test_overlapping_terms_of_many_queries() -> None:
    texts = ["acme", '"acme corp"', "corp", "acme*", '"acme corp" NEAR/0 news']
    matcher = Matcher([query("t1", text, text) for text in texts])
    assert ids(matcher, "Acme Corp news today", "t1") == set(texts)


def test_language_filters_use_the_documents_language() -> None:
    matcher = Matcher([query("t1", "acme lang:sv", "sv"), query("t1", "acme", "any")])
    assert ids(matcher, "acme", "t1", language="sv") == {"sv", "any"}
    assert ids(matcher, "acme", "t1", language="en") == {"any"}


def test_an_empty_matcher_matches_nothing() -> None:
    assert Matcher([]).match(Document.of("acme"), "t1") == []


def test_ten_thousand_queries_find_the_one() -> None:
    queries = [query(f"t{n % 100}", f"brand{n} OR product{n}", str(n)) for n in range(10_000)]
    matcher = Matcher(queries)
    assert ids(matcher, "new product4242 launched", "t42") == {"4242"}
    assert ids(matcher, "new product4242 launched", "t41") == set()
