"""Token buckets per client and route, on a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import Depends, FastAPI

from newsroom_shared.http.errors import install_error_handlers
from newsroom_shared.http.ratelimit import TokenBuckets, rate_limit


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_app(clock: FakeClock, trusted_proxies: int | None = None) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    # 6 per minute = one token every 10 s; bursts of 2.
    limited = Depends(rate_limit(6, 2, clock=clock, trusted_proxies=trusted_proxies))

    @app.get("/pages/{slug}", dependencies=[limited])
    def page(slug: str) -> str:
        return slug

    @app.post("/comments", dependencies=[limited])
    def comment() -> str:
        return "ok"

    return app


def client_for(app: FastAPI, ip: str = "203.0.113.9") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
async def client(clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(make_app(clock)) as client:
        yield client


async def test_burst_then_429_with_retry_after(client: httpx.AsyncClient) -> None:
    assert (await client.get("/pages/a")).status_code == 200
    assert (await client.get("/pages/a")).status_code == 200
    refused = await client.get("/pages/a")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "10"
    assert refused.json()["code"] == "rate_limited"


async def test_tokens_come_back_with_time(client: httpx.AsyncClient, clock: FakeClock) -> None:
    for _ in range(2):
        await client.get("/pages/a")
    clock.advance(4)
    refused = await client.get("/pages/a")
    assert refused.headers["Retry-After"] == "6"
    clock.advance(6)
    assert (await client.get("/pages/a")).status_code == 200
    assert (await client.get("/pages/a")).status_code == 429


async def test_route_template_is_one_bucket_and_routes_are_separate(
    client: httpx.AsyncClient,
) -> None:
    # Different slugs are the same route: varying the path does not escape the limit.
    assert (await client.get("/pages/a")).status_code == 200
    assert (await client.get("/pages/b")).status_code == 200
    assert (await client.get("/pages/c")).status_code == 429
    assert (await client.post("/comments")).status_code == 200


async def test_clients_are_limited_separately(clock: FakeClock) -> None:
    app = make_app(clock)
    async with client_for(app, "198.51.100.1") as first, client_for(app, "198.51.100.2") as second:
        for _ in range(2):
            await first.get("/pages/a")
        assert (await first.get("/pages/a")).status_code == 429
        assert (await second.get("/pages/a")).status_code == 200


async def test_forwarded_for_is_ignored_unless_proxies_are_trusted(clock: FakeClock) -> None:
    async with client_for(make_app(clock)) as client:
        for n in range(2):
            await client.get("/pages/a", headers={"X-Forwarded-For": f"10.0.0.{n}"})
        spoofed = await client.get("/pages/a", headers={"X-Forwarded-For": "10.0.0.99"})
        assert spoofed.status_code == 429


async def test_trusted_proxy_depth_picks_the_entry_our_proxy_wrote(clock: FakeClock) -> None:
    async with client_for(make_app(clock, trusted_proxies=1), "10.1.1.1") as proxy:
        # The client forged the left entry; our one proxy appended the real address.
        for _ in range(2):
            headers = {"X-Forwarded-For": "1.1.1.1, 198.51.100.7"}
            assert (await proxy.get("/pages/a", headers=headers)).status_code == 200
        forged = {"X-Forwarded-For": "2.2.2.2, 198.51.100.7"}
        assert (await proxy.get("/pages/a", headers=forged)).status_code == 429
        other = {"X-Forwarded-For": "198.51.100.8"}
        assert (await proxy.get("/pages/a", headers=other)).status_code == 200


async def test_trusted_proxy_depth_from_app_state(clock: FakeClock) -> None:
    app = make_app(clock)
    app.state.trusted_proxies = 1
    async with client_for(app, "10.1.1.1") as proxy:
        for n in range(3):
            headers = {"X-Forwarded-For": f"198.51.100.{n}"}
            assert (await proxy.get("/pages/a", headers=headers)).status_code == 200


def test_idle_buckets_are_evicted(clock: FakeClock) -> None:
    buckets = TokenBuckets(60, 5, clock=clock)  # full again after 5 s idle
    for n in range(1000):
        buckets.take(f"client-{n}")
    assert len(buckets) == 1000
    clock.advance(5)
    buckets.take("late")
    assert len(buckets) == 1


def test_memory_is_bounded_under_many_active_clients(clock: FakeClock) -> None:
    buckets = TokenBuckets(60, 5, clock=clock, max_clients=100)
    for n in range(1000):
        buckets.take(f"client-{n}")
    assert len(buckets) == 100


def test_recently_used_clients_survive_eviction(clock: FakeClock) -> None:
    buckets = TokenBuckets(60, 1, clock=clock, max_clients=3)
    assert buckets.take("busy") == 0
    buckets.take("a")
    buckets.take("b")
    assert buckets.take("busy") > 0  # touched again: now the most recent
    buckets.take("c")  # evicts "a", the least recently used
    assert buckets.take("busy") > 0  # still limited: its bucket was kept


def test_invalid_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        TokenBuckets(0, 1)
