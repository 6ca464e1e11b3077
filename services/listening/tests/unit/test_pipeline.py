"""A fetched post through the pipeline on fakes: match, language only for candidates, dedupe,
sentiment, the mention and its event, the release it names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from listening.domain.matching import Matcher
from listening.domain.queries import ListeningQuery
from listening.domain.releases import KnownRelease
from listening.service.pipeline import match_post
from listening.service.ports import Deps
from newsroom_shared.events.listening import MentionDetected, PostFetched
from newsroom_testing.clock import FakeClock

from .conftest import FakeLanguage, FakeUnitOfWork

NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)


def post(text: str, **changes: Any) -> PostFetched:
    values: dict[str, Any] = {
        "tenant_id": "t1",
        "post_key": f"webhook:s1:{abs(hash(text))}",
        "source_kind": "webhook",
        "source_url": "urn:newsroom:webhook-source:s1",
        "text": text,
        "fetched_at": NOW,
    }
    return PostFetched(**(values | changes))


def matcher(*texts: str, tenant: str = "t1") -> Matcher:
    return Matcher(ListeningQuery.create(tenant_id=tenant, name=t, text=t, now=NOW) for t in texts)


async def test_a_match_becomes_a_mention_and_an_event(uow: FakeUnitOfWork, deps: Deps) -> None:
    queries = matcher("acme", "roadrunner NOT coyote", "anvil")
    mention = await match_post(uow, deps, queries, post("My Acme Roadrunner is broken"))
    await uow.flush()
    assert mention is not None
    assert mention.sentiment.label == "negative"
    assert mention.matched_terms == ("acme", "roadrunner")
    [event] = uow.events
    assert isinstance(event, MentionDetected)
    assert event.mention_id == mention.id
    assert event.tenant_id == "t1"
    assert len(event.query_ids) == 2
    assert event.sentiment_label == "negative"
    assert event.language == "en"
    assert event.excerpt == "My Acme Roadrunner is broken"


async def test_no_candidate_costs_no_language_detection(
    uow: FakeUnitOfWork, deps: Deps, language: FakeLanguage
) -> None:
    assert await match_post(uow, deps, matcher("acme"), post("nothing to see here")) is None
    assert language.calls == 0
    assert uow.store.mentions == {}


async def test_the_sources_language_wins_over_detection(
    uow: FakeUnitOfWork, deps: Deps, language: FakeLanguage
) -> None:
    mention = await match_post(uow, deps, matcher("acme lang:sv"), post("Acme", language="sv"))
    assert mention is not None
    assert mention.language == "sv"
    assert language.calls == 0


async def test_a_language_filter_uses_the_detected_language(
    uow: FakeUnitOfWork, deps: Deps, language: FakeLanguage
) -> None:
    assert await match_post(uow, deps, matcher("acme lang:sv"), post("Acme rocks")) is None
    assert language.calls == 1
    language.answer = "sv"
    assert await match_post(uow, deps, matcher("acme lang:sv"), post("Acme rocks")) is not None


async def test_other_tenants_queries_do_not_match(uow: FakeUnitOfWork, deps: Deps) -> None:
    assert await match_post(uow, deps, matcher("acme", tenant="t2"), post("Acme")) is None


async def test_the_same_url_is_one_mention(uow: FakeUnitOfWork, deps: Deps) -> None:
    queries = matcher("acme")
    first = post("Acme news", url="https://www.news.example/a?utm_source=x", post_key="k1")
    again = post("Acme, other words", url="https://news.example/a/", post_key="k2")
    assert await match_post(uow, deps, queries, first) is not None
    assert await match_post(uow, deps, queries, again) is None
    assert len(uow.store.mentions) == 1


async def test_a_near_copy_is_dropped_within_the_window(
    uow: FakeUnitOfWork, deps: Deps, clock: FakeClock
) -> None:
    queries = matcher("acme")
    text = (
        "Acme's Roadrunner 2 keeps breaking down after the latest update and support has not "
        "answered my emails for a week"
    )
    assert await match_post(uow, deps, queries, post(text, post_key="a")) is not None
    copy = post(text.replace("a week", "two weeks") + " #fail", post_key="b")
    assert await match_post(uow, deps, queries, copy) is None
    clock.advance(timedelta(days=deps.near_copy_window_days, seconds=1))
    assert await match_post(uow, deps, queries, copy) is not None


async def test_a_link_to_one_of_our_releases_names_it(uow: FakeUnitOfWork, deps: Deps) -> None:
    url = "https://news.example/acme/releases/r1"
    await uow.releases.put(KnownRelease("t1", "r1", url, "Roadrunner 2"))
    await uow.releases.put(KnownRelease("t2", "r2", "https://other.example/x", "Theirs"))
    linked = await match_post(
        uow, deps, matcher("acme"), post(f"Acme launched this: {url}?utm_source=x.", post_key="a")
    )
    assert linked is not None
    assert linked.release_id == "r1"
    unlinked = await match_post(
        uow, deps, matcher("acme"), post("Acme at https://other.example/x", post_key="b")
    )
    assert unlinked is not None
    assert unlinked.release_id is None  # another tenant's release is not ours


async def test_the_release_the_source_knows_is_kept(uow: FakeUnitOfWork, deps: Deps) -> None:
    mention = await match_post(uow, deps, matcher("acme"), post("Acme", release_id="r9"))
    assert mention is not None
    assert mention.release_id == "r9"
