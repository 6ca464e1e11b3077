"""The feed poller on the real database against a real (fake) feed server on loopback:
new entries become PostFetched in the outbox, conditional GETs, a content type that lies, a
huge entry and a huge feed, failures and backoff, a slow server, the SSRF guard at fetch time,
claims (two replicas never fetch one feed at once; a dead replica's claim runs out).

The app's own poller is off: each test runs the poller's passes itself, with a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from listening_fakes.auth import (
    api_settings,
    headers,
    listening_of,
    posts_in_outbox,
    staff_api,
    staff_api_on_own_database,
)
from listening_fakes.feed_server import Entry, FakeFeed, FeedServer, serving

from newsroom_testing.clock import FakeClock
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
A = "tenant-a"
SETTINGS = {
    "allow_insecure_urls": True,  # the fake server is on loopback, over http
    "feed_poll_interval_s": 600.0,
    "feed_retry_base_s": 60.0,
    "feed_fetch_deadline_s": 1.0,
    "feed_claim_lease_s": 30.0,
    "feed_max_bytes": 200_000,
}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with serving() as fake:
        yield fake


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def api(
    infra: Any, unique: str, mongo_client: Any, clock: FakeClock
) -> AsyncIterator[httpx.AsyncClient]:
    settings = api_settings(infra, unique, **SETTINGS)
    async with staff_api_on_own_database(settings, mongo_client, clock) as client:
        yield client


async def add_feed(api: httpx.AsyncClient, url: str) -> str:
    answer = await api.post("/v1/sources/feeds", json={"url": url}, headers=headers(A))
    assert answer.status_code == 201, answer.text
    feed_id: str = answer.json()["id"]
    return feed_id


async def status(api: httpx.AsyncClient, feed_id: str) -> dict[str, Any]:
    answer = await api.get(f"/v1/sources/feeds/{feed_id}", headers=headers(A))
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def poll(api: httpx.AsyncClient) -> int:
    """One pass of the poller, as a replica's loop runs it; answers how many feeds it claimed."""
    claimed: int = await listening_of(api).poll_feeds()
    return claimed


def entries(*ids: str) -> list[Entry]:
    return [
        Entry(i, f"Acme news {i}", f"<p>Body of {i}</p>", f"https://news.example/{i}") for i in ids
    ]


async def test_new_entries_become_posts_and_a_304_costs_nothing_more(
    api: httpx.AsyncClient, server: FeedServer, clock: FakeClock
) -> None:
    server.feeds["/rss"] = FakeFeed("rss", entries("2", "1"))
    feed_id = await add_feed(api, server.url("/rss"))
    assert await poll(api) == 1
    fetched = await posts_in_outbox(api)
    assert [p.text for p in fetched] == ["Acme news 1\n\nBody of 1", "Acme news 2\n\nBody of 2"]
    assert {(p.source_kind, p.tenant_id, p.language) for p in fetched} == {("rss", A, "en")}
    assert fetched[0].url == "https://news.example/1"
    first = await status(api, feed_id)
    assert first["kind"] == "rss"
    assert first["last_fetched_at"] is not None

    assert await poll(api) == 0  # not due yet
    clock.advance(timedelta(minutes=11))
    assert await poll(api) == 1
    conditional = server.hits("/rss")[-1]
    assert conditional.headers["if-none-match"] == server.feeds["/rss"].etag()
    assert conditional.status == 304
    assert len(await posts_in_outbox(api)) == 2

    server.feeds["/rss"].entries.insert(0, entries("3")[0])
    clock.advance(timedelta(minutes=11))
    await poll(api)
    assert [p.text.split("\n")[0] for p in await posts_in_outbox(api)][2:] == ["Acme news 3"]


async def test_the_same_entries_fetched_again_are_not_posted_again(
    api: httpx.AsyncClient, server: FeedServer, clock: FakeClock
) -> None:
    server.feeds["/plain"] = FakeFeed("rss", entries("a", "b"), validators=False)
    await add_feed(api, server.url("/plain"))
    await poll(api)
    clock.advance(timedelta(minutes=11))
    await poll(api)
    assert [r.status for r in server.hits("/plain")] == [200, 200]  # no validators: full GETs
    assert len(await posts_in_outbox(api)) == 2


async def test_feeds_of_one_host_share_a_kept_alive_connection(
    api: httpx.AsyncClient, server: FeedServer, clock: FakeClock
) -> None:
    for path in ("/section/a", "/section/b", "/section/c"):
        server.feeds[path] = FakeFeed("rss", entries(path[-1]))
        await add_feed(api, server.url(path))
    assert await poll(api) == 3
    first_pass = {r.client for r in server.requests}
    clock.advance(timedelta(minutes=11))
    assert await poll(api) == 3
    second_pass = {r.client for r in server.requests[3:]}
    # The pass fetches its feeds concurrently, each on a connection; the next pass (within the
    # client's keep-alive time) reuses them: no new TCP (and TLS) handshake per feed.
    assert len(server.requests) == 6
    assert None not in first_pass
    assert second_pass <= first_pass


async def test_an_atom_feed_served_as_text_html_is_read_as_atom(
    api: httpx.AsyncClient, server: FeedServer
) -> None:
    server.feeds["/atom"] = FakeFeed("atom", entries("x"), content_type="text/html", language="sv")
    feed_id = await add_feed(api, server.url("/atom"))
    await poll(api)
    [post] = await posts_in_outbox(api)
    assert (post.source_kind, post.language) == ("atom", "sv")
    assert (await status(api, feed_id))["kind"] == "atom"


async def test_a_huge_entry_is_cut_and_a_huge_feed_refused(
    api: httpx.AsyncClient, server: FeedServer
) -> None:
    server.feeds["/big-entry"] = FakeFeed("rss", [Entry("big", "Big", "word " * 30_000)])
    server.feeds["/huge"] = FakeFeed("rss", [Entry("huge", "Huge", "word " * 60_000)])
    await add_feed(api, server.url("/big-entry"))
    huge_id = await add_feed(api, server.url("/huge"))
    await poll(api)
    [post] = await posts_in_outbox(api)
    assert len(post.text) == 20_000
    huge = await status(api, huge_id)
    assert "larger than 200000 bytes" in huge["last_error"]
    assert huge["consecutive_failures"] == 1


async def test_failures_back_off_and_retry_after_is_honoured(
    api: httpx.AsyncClient, server: FeedServer, clock: FakeClock
) -> None:
    server.feeds["/down"] = FakeFeed(status=500)
    server.feeds["/busy"] = FakeFeed(status=429, retry_after="1800")
    down_id = await add_feed(api, server.url("/down"))
    busy_id = await add_feed(api, server.url("/busy"))
    await poll(api)
    down, busy = await status(api, down_id), await status(api, busy_id)
    assert down["consecutive_failures"] == 1
    assert "500" in down["last_error"]
    assert busy["next_poll_at"] == (clock.now() + timedelta(seconds=1800)).isoformat().replace(
        "+00:00", "Z"
    )

    clock.advance(timedelta(minutes=2))  # past the first backoff (at most the 60 s base)
    await poll(api)
    down_again = await status(api, down_id)
    assert down_again["consecutive_failures"] == 2
    assert len(server.hits("/busy")) == 1  # still waiting as asked

    server.feeds["/down"] = FakeFeed("rss", entries("back"))
    clock.advance(timedelta(minutes=5))
    await poll(api)
    healed = await status(api, down_id)
    assert healed["consecutive_failures"] == 0
    assert healed["status"] == "active"


async def test_a_410_disables_the_feed_visibly(
    api: httpx.AsyncClient, server: FeedServer, clock: FakeClock
) -> None:
    server.feeds["/gone"] = FakeFeed(status=410)
    feed_id = await add_feed(api, server.url("/gone"))
    await poll(api)
    gone = await status(api, feed_id)
    assert gone["status"] == "disabled"
    assert gone["next_poll_at"] is None
    assert "410" in gone["disabled_reason"]
    clock.advance(timedelta(days=30))
    assert await poll(api) == 0
    assert len(server.hits("/gone")) == 1


async def test_a_slow_server_is_cut_off_by_the_deadline(
    api: httpx.AsyncClient, server: FeedServer
) -> None:
    server.feeds["/slow"] = FakeFeed("rss", entries("s"), trickle=True)
    feed_id = await add_feed(api, server.url("/slow"))
    await poll(api)
    slow = await status(api, feed_id)
    assert "no complete answer within 1 s" in slow["last_error"]
    assert await posts_in_outbox(api) == []


async def test_a_redirect_is_followed(api: httpx.AsyncClient, server: FeedServer) -> None:
    server.feeds["/moved"] = FakeFeed(redirect_to="/rss")
    server.feeds["/rss"] = FakeFeed("rss", entries("r"))
    await add_feed(api, server.url("/moved"))
    await poll(api)
    assert len(await posts_in_outbox(api)) == 1


async def test_two_replicas_never_fetch_one_feed_at_once(
    infra: Any, unique: str, mongo_client: Any, server: FeedServer, clock: FakeClock
) -> None:
    # A deadline no loaded machine reaches: this test is about claims, not about slow servers.
    roomy = {"feed_claim_batch": 3, "feed_fetch_deadline_s": 20.0}
    settings = api_settings(infra, unique, **SETTINGS | roomy)
    paths = [f"/feed-{n}" for n in range(8)]
    for path in paths:
        # Each answer is held a moment, so that the two replicas' passes overlap.
        server.feeds[path] = FakeFeed("rss", entries(path.strip("/")), hold_s=0.1)
    try:
        async with staff_api(settings, clock) as one, staff_api(settings, clock) as two:
            for path in paths:
                await add_feed(one, server.url(path))
            while sum(await asyncio.gather(poll(one), poll(two))):
                pass
            assert len(await posts_in_outbox(one)) == len(paths)
    finally:
        await drop_test_database(mongo_client, settings.database_name)
    assert {path: len(server.hits(path)) for path in paths} == dict.fromkeys(paths, 1)
    assert set(server.most_at_once.values()) == {1}


async def test_a_dead_replicas_claim_runs_out(
    api: httpx.AsyncClient, server: FeedServer, clock: FakeClock
) -> None:
    server.feeds["/rss"] = FakeFeed("rss", entries("1"))
    await add_feed(api, server.url("/rss"))
    listening = listening_of(api)
    lease = timedelta(seconds=30)
    async with listening.reader() as uow:  # a replica claims it, then dies
        claimed = await uow.feeds.claim_due(
            clock.now(), 10, claim="dead", lease_until=clock.now() + lease
        )
    assert len(claimed) == 1
    assert await poll(api) == 0  # held by the dead replica's claim
    clock.advance(lease)
    assert await poll(api) == 1
    assert len(await posts_in_outbox(api)) == 1


async def test_a_hostname_resolving_to_an_internal_address_is_refused_at_fetch_time(
    infra: Any, unique: str, mongo_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the guard on (as in production), a name accepted when the feed was added but
    resolving to a loopback address when it is fetched is never called. The resolver is
    faked: no DNS here may answer for the test's name."""
    settings = api_settings(infra, unique, feed_fetch_deadline_s=5.0)
    loop = asyncio.get_running_loop()
    resolve = loop.getaddrinfo

    async def resolver(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "feeds.rebinding.example":
            return [(2, 1, 6, "", ("127.0.0.1", port))]
        return await resolve(host, port, *args, **kwargs)

    monkeypatch.setattr(loop, "getaddrinfo", resolver)
    try:
        async with staff_api(settings) as api:
            feed_id = await add_feed(api, "https://feeds.rebinding.example/rss")
            assert await poll(api) == 1
            refused = await status(api, feed_id)
    finally:
        await drop_test_database(mongo_client, settings.database_name)
    assert "resolves to an internal address" in refused["last_error"]
    assert refused["consecutive_failures"] == 1
