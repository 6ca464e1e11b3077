"""The feed fetcher's guard rails on an in-process transport (no network): every redirect hop
passes the SSRF guard, redirects are bounded, a declared oversize body is refused unread.
The resolver is faked: the guard's DNS check needs answers no test machine gives."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from listening.adapters.feeds.fetcher import MAX_REDIRECTS, FetchLimits, HttpFeedFetcher
from listening.domain.feeds import Validators
from listening.service.feed_ports import Fetched, FetchFailed, NotModified

PUBLIC = {"feeds.example": "93.184.215.14", "other.example": "93.184.215.15"}


@pytest.fixture(autouse=True)
async def resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()

    async def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        address = PUBLIC.get(host, "10.0.0.5")
        return [(2, 1, 6, "", (address, port))]

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)


def fetcher(handler: Any, **limits: Any) -> tuple[HttpFeedFetcher, list[str]]:
    called: list[str] = []

    def recording(request: httpx.Request) -> httpx.Response:
        called.append(str(request.url))
        answer: httpx.Response = handler(request)
        return answer

    return HttpFeedFetcher(FetchLimits(**limits), httpx.MockTransport(recording)), called


async def test_a_redirect_to_an_internal_host_is_never_called() -> None:
    feeds, called = fetcher(
        lambda r: httpx.Response(302, headers={"location": "https://intranet.example/admin"})
    )
    outcome = await feeds.fetch("https://feeds.example/rss", Validators())
    assert isinstance(outcome, FetchFailed)
    assert "internal address" in outcome.reason
    assert called == ["https://feeds.example/rss"]


async def test_a_redirect_to_a_public_host_is_followed_with_the_validators() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "feeds.example":
            return httpx.Response(301, headers={"location": "https://other.example/feed"})
        assert request.headers["if-none-match"] == '"v1"'
        return httpx.Response(304)

    feeds, called = fetcher(handler)
    outcome = await feeds.fetch("https://feeds.example/rss", Validators('"v1"', "yesterday"))
    assert isinstance(outcome, NotModified)
    assert called == ["https://feeds.example/rss", "https://other.example/feed"]


async def test_redirects_are_bounded() -> None:
    feeds, called = fetcher(lambda r: httpx.Response(302, headers={"location": "/again"}))
    outcome = await feeds.fetch("https://feeds.example/rss", Validators())
    assert isinstance(outcome, FetchFailed)
    assert "redirects" in outcome.reason
    assert len(called) == MAX_REDIRECTS + 1


async def test_a_declared_oversize_body_is_refused_and_a_fitting_one_kept() -> None:
    feeds, _ = fetcher(
        lambda r: httpx.Response(200, headers={"content-length": "5000"}, content=b"x" * 5000),
        max_bytes=4096,
    )
    refused = await feeds.fetch("https://feeds.example/rss", Validators())
    assert isinstance(refused, FetchFailed)
    assert "larger than 4096 bytes" in refused.reason
    fitting, _ = fetcher(
        lambda r: httpx.Response(200, headers={"etag": '"e"'}, content=b"<rss/>"), max_bytes=4096
    )
    kept = await fitting.fetch("https://feeds.example/rss", Validators())
    assert kept == Fetched(b"<rss/>", Validators('"e"', None))


async def test_a_status_carries_its_retry_after() -> None:
    feeds, _ = fetcher(lambda r: httpx.Response(503, headers={"retry-after": "120"}))
    outcome = await feeds.fetch("https://feeds.example/rss", Validators())
    assert outcome == FetchFailed("the server answered 503 Service Unavailable", 503, "120")


async def test_a_network_error_is_a_failure_not_an_exception() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    feeds, _ = fetcher(handler)
    outcome = await feeds.fetch("https://feeds.example/rss", Validators())
    assert isinstance(outcome, FetchFailed)
    assert "connection refused" in outcome.reason


async def test_a_location_that_is_no_url_is_a_failure() -> None:
    feeds, _ = fetcher(lambda r: httpx.Response(302, headers={"location": "https://[broken/"}))
    outcome = await feeds.fetch("https://feeds.example/rss", Validators())
    assert isinstance(outcome, FetchFailed)
    assert "not a URL that can be fetched" in outcome.reason
