"""Rate limits counted in MongoDB hold across replicas (two limiters, one database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from pymongo import monitoring

from newsroom_shared.http.errors import install_error_handlers
from newsroom_shared.http.ratelimit import rate_limit
from newsroom_shared.http.shared_limits import COLLECTION, SharedRateLimits
from newsroom_shared.mongo import Database, make_client

pytestmark = pytest.mark.connected


async def test_replicas_share_one_limit(database: Database) -> None:
    first, second = SharedRateLimits(database), SharedRateLimits(database)
    await first.ensure_indexes()
    answers = [await limits.take("203.0.113.9 GET /x", 4) for limits in (first, second) * 3]
    assert answers[:4] == [0.0] * 4
    assert all(0 < wait <= 60 for wait in answers[4:])  # the 5th and 6th, whichever replica


async def test_clients_and_routes_are_counted_apart(database: Database) -> None:
    limits = SharedRateLimits(database)
    assert await limits.take("a GET /x", 1) == 0.0
    assert await limits.take("a GET /x", 1) > 0
    assert await limits.take("b GET /x", 1) == 0.0
    assert await limits.take("a GET /y", 1) == 0.0


async def test_an_expired_window_starts_again(database: Database) -> None:
    limits = SharedRateLimits(database)
    assert await limits.take("a GET /x", 1) == 0.0
    assert await limits.take("a GET /x", 1) > 0
    # As it will be once the minute has passed.
    ended = datetime.now(UTC) - timedelta(seconds=2)
    await database[COLLECTION].update_many({}, {"$set": {"expireAt": ended}})
    assert await limits.take("a GET /x", 1) == 0.0


async def test_many_keys_are_taken_in_order_and_share_the_windows_of_take(
    database: Database,
) -> None:
    limits = SharedRateLimits(database)
    assert await limits.take("a", 3) == 0.0  # one already counted in a's window
    waits = await limits.take_all(["a", "b", "a", "a", "c", "b"], 3)
    # a: the 2nd and 3rd of the window pass, the 4th waits; b and c within their limit.
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0 < waits[3] <= 60
    assert waits[4:] == [0.0, 0.0]
    assert await limits.take("b", 3) == 0.0  # b's third
    assert await limits.take("b", 3) > 0
    assert await limits.take_all([], 3) == []


async def test_many_keys_cost_two_commands(infra: Any, database: Database) -> None:
    sent: list[str] = []

    class Listener(monitoring.CommandListener):
        def started(self, event: monitoring.CommandStartedEvent) -> None:
            sent.append(event.command_name)

        def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

        def failed(self, event: monitoring.CommandFailedEvent) -> None: ...

    client = make_client(infra.mongodb_uri, event_listeners=[Listener()])
    try:
        counted = SharedRateLimits(client[database.name])
        await counted.take_all([f"k{i}" for i in range(40)] * 2, 5)
        assert sent == ["update", "find"]
    finally:
        await client.close()


async def test_an_ended_window_starts_again_for_many_keys(database: Database) -> None:
    limits = SharedRateLimits(database)
    first, second = await limits.take_all(["a", "a"], 1)
    assert first == 0.0
    assert 0 < second <= 60
    ended = datetime.now(UTC) - timedelta(seconds=2)
    await database[COLLECTION].update_many({}, {"$set": {"expireAt": ended}})
    assert (await limits.take_all(["a", "a"], 1))[0] == 0.0


async def test_many_keys_pass_when_the_store_is_unreachable() -> None:
    client = make_client("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200")
    try:
        assert await SharedRateLimits(client["nowhere"]).take_all(["a", "a"], 1) == [0.0, 0.0]
    finally:
        await client.close()


async def test_counters_expire_by_ttl(database: Database) -> None:
    limits = SharedRateLimits(database)
    await limits.ensure_indexes()
    indexes = await database[COLLECTION].index_information()
    assert any(index.get("expireAfterSeconds") == 0 for index in indexes.values())


async def test_an_unreachable_store_lets_requests_through() -> None:
    client = make_client("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200")
    try:
        limits = SharedRateLimits(client["nowhere"])
        assert await limits.take("a GET /x", 1) == 0.0
    finally:
        await client.close()


def two_replicas(limits: SharedRateLimits) -> list[FastAPI]:
    """Two apps (two replicas of one service) behind the same database, each with a route to
    post to and a page to read, 3 a minute per client, bursts of 10."""
    apps = [FastAPI(), FastAPI()]
    for app in apps:
        install_error_handlers(app)
        app.state.rate_limits = limits

        @app.post("/comments", dependencies=[Depends(rate_limit(3, 10))])
        def post() -> str:
            return "ok"

        @app.get("/page", dependencies=[Depends(rate_limit(3, 10))])
        def page() -> str:
            return "ok"

    return apps


async def answers_of(apps: list[FastAPI], method: str, path: str, count: int) -> list[int]:
    answers = []
    for n in range(count):
        transport = httpx.ASGITransport(app=apps[n % 2], client=("203.0.113.9", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            answers.append((await client.request(method, path)).status_code)
    return answers


async def test_the_public_routes_of_two_replicas_share_the_limit(database: Database) -> None:
    """The per-minute limit of a request that changes something is the service's, not each
    replica's; each replica's own bucket allows more."""
    apps = two_replicas(SharedRateLimits(database))
    assert await answers_of(apps, "POST", "/comments", 6) == [200, 200, 200, 429, 429, 429]


async def test_reads_are_limited_by_each_replicas_bucket_only(database: Database) -> None:
    """A page view costs the database nothing: reads never touch the shared window."""
    apps = two_replicas(SharedRateLimits(database))
    assert await answers_of(apps, "GET", "/page", 6) == [200] * 6
    assert await database[COLLECTION].count_documents({}) == 0
    # Each replica's bucket still caps a burst: 10 at once, then 429.
    many = await answers_of([apps[0], apps[0]], "GET", "/page", 12)
    assert many[:7] == [200] * 7  # three of its ten went to the first round
    assert many[7:] == [429] * 5
