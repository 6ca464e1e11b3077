"""Feed use cases on the in-memory fakes: adding (SSRF refusal, duplicates, the limit) and a
poll (new entries become PostFetched, a 304 or a seen entry emits nothing, failures back off,
a lost claim stores nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from listening.adapters.feeds.parser import FeedparserParser
from listening.domain.errors import (
    ClaimLostError,
    DuplicateFeedError,
    InvalidFeedUrlError,
    LimitReachedError,
)
from listening.domain.feeds import FeedPolicy, Validators
from listening.service import feeds
from listening.service.feed_polling import poll_due, poll_feed
from listening.service.feed_ports import (
    FeedDeps,
    Fetched,
    FetchFailed,
    FetchOutcome,
    NotModified,
)
from newsroom_shared.events.listening import PostFetched
from newsroom_testing.clock import FakeClock

from .conftest import FakeUnitOfWork

URL = "https://feeds.example/rss"


def rss(*items: tuple[str, str]) -> bytes:
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>https://ex.example/{guid}</link>"
        "</item>"
        for guid, title in items
    )
    return f'<rss version="2.0"><channel><title>F</title>{entries}</channel></rss>'.encode()


@dataclass
class ScriptedFetcher:
    """Answers each fetch with the next scripted outcome; remembers the validators sent."""

    outcomes: list[FetchOutcome] = field(default_factory=list)
    sent: list[Validators] = field(default_factory=list)

    async def fetch(self, url: str, validators: Validators) -> FetchOutcome:
        self.sent.append(validators)
        return self.outcomes.pop(0)


@pytest.fixture
def fetcher() -> ScriptedFetcher:
    return ScriptedFetcher()


@pytest.fixture
def feed_deps(clock: FakeClock, fetcher: ScriptedFetcher) -> FeedDeps:
    policy = FeedPolicy(poll_interval_s=600, retry_base_s=60, backoff_cap_s=3600)
    return FeedDeps(
        clock=clock,
        fetcher=fetcher,
        parser=FeedparserParser(),
        policy=policy,
        random=lambda: 0.5,
        max_feeds_per_tenant=2,
    )


def posts(uow: FakeUnitOfWork) -> list[PostFetched]:
    return [event for event in uow.events if isinstance(event, PostFetched)]


async def poll(uow: FakeUnitOfWork, deps: FeedDeps) -> int:
    return await poll_due(lambda: uow, lambda: uow, deps)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://feeds.example/rss", "https"),
        ("https://10.0.0.5/rss", "private"),
        ("https://localhost/rss", "this machine"),
        ("https://user:pw@feeds.example/", "password"),
        ("https://[feeds.example/rss", "not a valid URL"),
    ],
)
async def test_a_url_we_may_not_call_is_refused_saying_why(
    uow: FakeUnitOfWork, feed_deps: FeedDeps, url: str, reason: str
) -> None:
    with pytest.raises(InvalidFeedUrlError, match=reason):
        await feeds.add_feed(uow, feed_deps, "t1", url=url, name=None)


async def test_one_url_once_per_tenant_and_a_limit(
    uow: FakeUnitOfWork, feed_deps: FeedDeps
) -> None:
    await feeds.add_feed(uow, feed_deps, "t1", url=URL, name="News")
    with pytest.raises(DuplicateFeedError):
        await feeds.add_feed(uow, feed_deps, "t1", url=f" {URL} ", name=None)
    await feeds.add_feed(uow, feed_deps, "t2", url=URL, name=None)  # another tenant may
    await feeds.add_feed(uow, feed_deps, "t1", url=f"{URL}2", name=None)
    with pytest.raises(LimitReachedError):
        await feeds.add_feed(uow, feed_deps, "t1", url=f"{URL}3", name=None)


async def test_new_entries_become_posts_once_and_a_304_emits_nothing(
    uow: FakeUnitOfWork, feed_deps: FeedDeps, fetcher: ScriptedFetcher, clock: FakeClock
) -> None:
    feed = await feeds.add_feed(uow, feed_deps, "t1", url=URL, name=None)
    fetcher.outcomes = [
        Fetched(rss(("b", "Acme second"), ("a", "Acme first")), Validators('"v1"', "Tue")),
        NotModified(),
        Fetched(rss(("c", "Acme third"), ("b", "Acme second")), Validators('"v2"')),
    ]
    assert await poll(uow, feed_deps) == 1
    assert [p.text for p in posts(uow)] == ["Acme first", "Acme second"]  # oldest first
    assert {(p.source_kind, p.source_url, p.tenant_id) for p in posts(uow)} == {("rss", URL, "t1")}
    assert await poll(uow, feed_deps) == 0  # not due before the interval

    clock.advance(700)
    await poll(uow, feed_deps)
    assert len(posts(uow)) == 2
    assert fetcher.sent[1] == Validators('"v1"', "Tue")  # conditional GET

    clock.advance(700)
    await poll(uow, feed_deps)
    assert [p.text for p in posts(uow)][2:] == ["Acme third"]  # "b" was seen
    stored = await feeds.get_feed(uow, "t1", feed.id)
    assert stored.validators == Validators('"v2"')
    assert stored.kind == "rss"


async def test_failures_back_off_and_a_bad_body_is_a_failure(
    uow: FakeUnitOfWork, feed_deps: FeedDeps, fetcher: ScriptedFetcher, clock: FakeClock
) -> None:
    feed = await feeds.add_feed(uow, feed_deps, "t1", url=URL, name=None)
    fetcher.outcomes = [
        FetchFailed("the server answered 500", status=500),
        Fetched(b"<html>not a feed</html>", Validators()),
        FetchFailed("the server answered 429", status=429, retry_after="3000"),
    ]
    await poll(uow, feed_deps)
    first = await feeds.get_feed(uow, "t1", feed.id)
    assert first.consecutive_failures == 1
    assert first.next_poll_at is not None
    clock.advance(first.next_poll_at - clock.now())
    await poll(uow, feed_deps)
    second = await feeds.get_feed(uow, "t1", feed.id)
    assert second.consecutive_failures == 2
    assert "not an RSS or Atom feed" in (second.last_error or "")
    assert second.next_poll_at is not None
    assert second.next_poll_at - clock.now() > first.next_poll_at - first.last_fetched_at  # type: ignore[operator]
    clock.advance(second.next_poll_at - clock.now())
    await poll(uow, feed_deps)
    third = await feeds.get_feed(uow, "t1", feed.id)
    assert third.next_poll_at is not None
    assert (third.next_poll_at - clock.now()).total_seconds() == 3000
    assert posts(uow) == []


async def test_a_410_disables_the_feed(
    uow: FakeUnitOfWork, feed_deps: FeedDeps, fetcher: ScriptedFetcher, clock: FakeClock
) -> None:
    feed = await feeds.add_feed(uow, feed_deps, "t1", url=URL, name=None)
    fetcher.outcomes = [FetchFailed("the server answered 410 Gone", status=410)]
    await poll(uow, feed_deps)
    clock.advance(timedelta(days=30))
    assert await poll(uow, feed_deps) == 0
    stored = await feeds.get_feed(uow, "t1", feed.id)
    assert stored.disabled
    assert stored.next_poll_at is None


async def test_a_poll_whose_claim_was_lost_stores_and_emits_nothing(
    uow: FakeUnitOfWork, feed_deps: FeedDeps, fetcher: ScriptedFetcher, clock: FakeClock
) -> None:
    feed = await feeds.add_feed(uow, feed_deps, "t1", url=URL, name=None)
    [claimed] = await uow.feeds.claim_due(clock.now(), 10, claim="mine", lease_until=clock.now())
    await uow.feeds.claim_due(clock.now(), 10, claim="theirs", lease_until=clock.now())
    fetcher.outcomes = [Fetched(rss(("a", "Acme")), Validators())]
    with pytest.raises(ClaimLostError):
        await poll_feed(uow, feed_deps, claimed, "mine")
    assert posts(uow) == []
    assert (await feeds.get_feed(uow, "t1", feed.id)).last_fetched_at is None


async def test_deleting_is_tenant_scoped(uow: FakeUnitOfWork, feed_deps: FeedDeps) -> None:
    feed = await feeds.add_feed(uow, feed_deps, "t1", url=URL, name=None)
    from listening.domain.errors import NotFoundError

    with pytest.raises(NotFoundError):
        await feeds.delete_feed(uow, "t2", feed.id)
    await feeds.delete_feed(uow, "t1", feed.id)
    assert (await feeds.list_feeds(uow, "t1", after_id=None, limit=10)).items == []
