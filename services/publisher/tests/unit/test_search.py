"""Search's rules in the domain (stems, the query, ranking) and the use case on fakes."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from publisher.domain.content import ContentChanges, ReleaseContent
from publisher.domain.search import (
    MAX_TERMS,
    index_terms,
    parse_query,
    plain_text,
    rank,
    stems,
)
from publisher.service import newsrooms, releases, search, workflow


def test_english_and_swedish_words_are_stemmed_each_in_their_language() -> None:
    assert stems("Acme launches, launched; LAUNCHING!", "en") == [
        "acm",
        "launch",
        "launch",
        "launch",
    ]
    assert stems("Acme lanserar och lanserade bilarna", "sv-SE") == [
        "acm", "lanser", "och", "lanser", "bil",
    ]  # fmt: skip
    # A language without a stemmer: its words as written, case folded (ß becomes ss).
    assert stems("Große Straße", "de") == ["grosse", "strasse"]


def test_a_body_is_read_as_text_its_elements_ending_words() -> None:
    text = plain_text("<p>Acme<strong>launches</strong> &amp; more</p><p>x</p>")
    assert text.split() == ["Acme", "launches", "&", "more", "x"]


def test_a_release_is_found_by_the_distinct_stems_of_its_title_tags_lead_and_body() -> None:
    content = ReleaseContent(
        title="Launches", lead="Launched today", body="<p>launching</p>", tags=["cars"]
    )
    assert index_terms(content) == ["launch", "car", "today"]
    long = ReleaseContent(title="t", body=" ".join(f"w{n}" for n in range(MAX_TERMS + 10)))
    assert len(index_terms(long)) == MAX_TERMS


def test_a_query_is_read_as_english_swedish_and_the_newsrooms_language() -> None:
    query = parse_query("Lanserade bilar", ["de"])
    assert query is not None
    assert set(query.variants) == {("lanserade", "bilar"), ("lanser", "bil"), ("lanserad", "bilar")}
    assert parse_query("  ¡¿ ", []) is None  # no words: nothing to search for


def _release(title: str, body: str, published: int) -> Any:
    """What ranking reads of a release, and nothing else."""
    when = datetime(2026, 12, published, tzinfo=UTC)
    content = ReleaseContent(title=title, body=body)
    return SimpleNamespace(id=title, content=content, published_at=when, updated_at=when)


def test_matches_in_the_title_rank_first_then_newer_ones() -> None:
    query = parse_query("roadrunner", [])
    assert query is not None
    in_body_new = _release("News", "<p>The Roadrunner</p>", 3)
    in_title_old = _release("Roadrunner 2", "", 1)
    in_body_newer = _release("More news", "<p>Roadrunner again</p>", 4)
    ranked = rank([in_body_new, in_title_old, in_body_newer], query)
    assert [r.id for r in ranked] == ["Roadrunner 2", "More news", "News"]


async def test_search_finds_published_releases_of_the_newsroom_by_any_inflection(
    uow, deps, caller
) -> None:
    acme = await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="sv")
    other = await newsrooms.create_newsroom(uow, deps, caller, name="Other", default_language="sv")

    async def release(newsroom, title, publish=True):
        changes = ContentChanges(title=title, language="sv")
        view = await releases.create_release(
            uow, deps, caller, newsroom_id=newsroom.id, changes=changes
        )
        if publish:
            await workflow.publish(uow, deps, caller, view.release.id)
        return view.release

    found = await release(acme, "Acme lanserar elbilar")
    await release(acme, "Acme lanserar cyklar", publish=False)
    await release(other, "Other lanserar elbilar")

    results = await search.search(uow, acme.slug, "lanserade elbil", page=1)
    assert [r.id for r in results.releases] == [found.id]
    assert (await search.search(uow, acme.slug, "lanserade tåg", page=1)).releases == []
    empty = await search.search(uow, acme.slug, "   ", page=1)
    assert (empty.query, empty.releases) == (None, [])
