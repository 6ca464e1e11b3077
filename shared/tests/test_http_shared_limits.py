"""Rate limits counted in MongoDB hold across replicas (two limiters, one database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import Depends, FastAPI

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


async def test_the_public_routes_of_two_replicas_share_the_limit(database: Database) -> None:
    """Two apps (two replicas of one service) behind the same database: the per-minute limit
    is the service's, not each replica's; each replica's own bucket allows more."""
    apps = [FastAPI(), FastAPI()]
    limits = SharedRateLimits(database)
    for app in apps:
        install_error_handlers(app)
        app.state.rate_limits = limits

        @app.get("/page", dependencies=[Depends(rate_limit(3, 10))])
        def page() -> str:
            return "ok"

    answers = []
    for n in range(6):
        transport = httpx.ASGITransport(app=apps[n % 2], client=("203.0.113.9", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            answers.append((await client.get("/page")).status_code)
    assert answers == [200, 200, 200, 429, 429, 429]
