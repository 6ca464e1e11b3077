"""The rendered-page cache's rules, without servers: what it keeps, and when it stops answering."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from newsroom_shared.page_generations import Generation, PageGenerations
from publisher.entrypoints.web.page_cache import (
    CachedPage,
    PageCache,
    PageCacheMiddleware,
    page_of,
)


class Versions:
    """The stored versions a poll reads, with the window each poll asked for."""

    def __init__(self) -> None:
        self.stored: dict[str, int] = {}
        self.asked: list[datetime] = []
        self.failing = False

    async def changed_since(self, since: datetime) -> dict[str, int]:
        if self.failing:
            raise ConnectionError("database unreachable")
        self.asked.append(since)
        return dict(self.stored)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def a_cache(max_bytes: int = 1_000_000, max_age_s: float = 300.0):
    clock, versions = Clock(), Versions()
    generations = PageGenerations(versions, poll_interval_s=1.0, overlap_s=90, monotonic=clock)
    cache = PageCache(generations, max_bytes=max_bytes, max_age_s=max_age_s, monotonic=clock)
    return cache, generations, versions, clock


def a_request(headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": "GET", "path": "/acme/", "headers": raw})


def a_page(
    body: bytes, tenant: str, generation: Generation, stored_at: float = 0.0, **headers: str
) -> CachedPage:
    return CachedPage(
        status=200,
        body=body,
        headers=(("content-type", "text/html"), *((k.lower(), v) for k, v in headers.items())),
        tenant_id=tenant,
        generation=generation,
        stored_at=stored_at,
    )


def keep(cache: PageCache, key: str, body: bytes, tenant: str = "t1", **headers: str) -> None:
    known = cache.generations.snapshot()
    label = PageGenerations.of(known, tenant)
    cache.put(key, a_page(body, tenant, label, cache.now(), **headers))


async def test_nothing_is_answered_before_the_first_poll_succeeds():
    cache, generations, _, _ = a_cache()
    keep(cache, "k", b"page")
    assert cache.get("k") is None  # not fresh yet
    keep(cache, "k", b"page")
    await generations.poll()
    assert cache.get("k") is not None


async def test_a_change_stored_by_any_replica_outdates_the_tenants_pages_only():
    cache, generations, versions, _ = a_cache()
    await generations.poll()
    keep(cache, "acme-home", b"acme", "acme")
    keep(cache, "globex-home", b"globex", "globex")

    versions.stored = {"acme": 7}
    await generations.poll()

    assert cache.get("acme-home") is None
    assert cache.get("globex-home") is not None
    keep(cache, "acme-home", b"acme, new", "acme")
    assert cache.get("acme-home").body == b"acme, new"
    await generations.poll()  # the same version again changes nothing
    assert cache.get("acme-home") is not None


async def test_a_change_committed_during_a_render_outdates_what_it_rendered():
    cache, generations, _, _ = a_cache()
    await generations.poll()
    known_before_reading = generations.snapshot()
    generations.changed_here({"acme"})  # committed here while the page was being rendered
    label = PageGenerations.of(known_before_reading, "acme")
    cache.put("k", a_page(b"old data", "acme", label, cache.now()))

    assert cache.get("k") is None


async def test_a_stalled_poll_stops_the_cache_answering_until_it_works_again():
    cache, generations, versions, clock = a_cache()
    await generations.poll()
    keep(cache, "k", b"page")
    versions.failing = True
    clock.now += 5  # more than three intervals without a good poll
    assert cache.get("k") is None
    keep(cache, "k", b"page")
    versions.failing = False
    await generations.poll()
    assert cache.get("k") is not None


async def test_after_an_outage_the_poll_looks_back_to_the_last_good_one():
    _, generations, versions, clock = a_cache()
    await generations.poll()
    first = versions.asked[-1]
    versions.failing = True
    for _ in range(3):
        try:
            await generations.poll()
        except ConnectionError:
            clock.now += 30
    versions.failing = False
    await generations.poll()
    assert versions.asked[-1] == first  # nothing changed during the outage is missed


async def test_entries_expire_after_max_age_whatever_happens():
    cache, generations, _, clock = a_cache(max_age_s=60)
    await generations.poll()
    keep(cache, "k", b"page")
    clock.now += 61
    await generations.poll()
    assert cache.get("k") is None


async def test_memory_is_bounded_least_recently_used_first():
    cache, generations, _, _ = a_cache(max_bytes=8_000)
    await generations.poll()
    for key in ("a", "b", "c"):
        keep(cache, key, b"x" * 900)
    assert cache.get("a") is not None  # "a" is now the most recently used
    for key in ("d", "e", "f", "g", "h", "i"):
        keep(cache, key, b"x" * 900)
    assert cache.bytes <= 8_000
    assert cache.get("b") is None
    assert cache.get("a") is not None
    keep(cache, "huge", b"x" * 2_000)  # more than an eighth of the cache: never kept
    assert cache.get("huge") is None


async def test_a_hit_answers_conditional_requests_with_304_and_keeps_headers():
    cache, generations, _, _ = a_cache()
    await generations.poll()
    keep(cache, "k", b"<p>page</p>", ETag='"v1"', **{"Cache-Control": "public, max-age=60"})
    page = cache.get("k")

    full = page.answer(a_request())
    again = page.answer(a_request({"If-None-Match": '"v1"'}))

    assert (full.status_code, full.body) == (200, b"<p>page</p>")
    assert full.headers["etag"] == '"v1"'
    assert full.headers["cache-control"] == "public, max-age=60"
    assert again.status_code == 304
    assert again.headers["etag"] == '"v1"'
    assert page.answer(a_request({"If-None-Match": '"v0"'})).status_code == 200


def test_a_generation_knows_local_and_stored_changes_apart():
    assert Generation(1, 0) != Generation(1, 1) != Generation(2, 1)


async def test_concurrent_misses_of_one_page_render_it_once_and_hits_skip_the_app():
    cache, generations, _, _ = a_cache()
    await generations.poll()
    renders = 0
    release = asyncio.Event()

    async def pages(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal renders
        renders += 1
        await release.wait()  # the first render takes a while; the others arrive meanwhile
        page_of(Request(scope), "acme")
        await Response(b"<p>page</p>", media_type="text/html")(scope, receive, send)

    middleware = PageCacheMiddleware(
        pages, cache, per_minute=10_000, burst=1_000, trusted_proxies=0
    )

    async def visit() -> tuple[int, bytes]:
        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        async def receive() -> Message:
            return {"type": "http.request", "body": b""}

        scope = {"type": "http", "method": "GET", "path": "/acme/", "headers": [],
                 "query_string": b"", "client": ("198.51.100.7", 5000)}  # fmt: skip
        await middleware(scope, receive, send)
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    visits = [asyncio.create_task(visit()) for _ in range(20)]
    await asyncio.sleep(0.01)
    release.set()
    answers = await asyncio.gather(*visits)
    answers.append(await visit())  # later: from the cache

    assert renders == 1
    assert set(answers) == {(200, b"<p>page</p>")}


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/v1/releases", []), ("/healthz", []), ("/acme/", [(b"authorization", b"Bearer nrk_x")])],
)
async def test_api_and_staff_requests_are_neither_looked_up_nor_made_to_wait(path, headers):
    cache, generations, _, _ = a_cache()
    await generations.poll()
    started = 0
    release = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal started
        started += 1
        await release.wait()
        page_of(Request(scope), "acme")
        await Response(b"{}", media_type="application/json")(scope, receive, send)

    middleware = PageCacheMiddleware(app, cache, per_minute=10_000, burst=1_000, trusted_proxies=0)

    async def send(message: Message) -> None:
        return None

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": path, "headers": headers,
             "query_string": b"", "client": ("198.51.100.7", 5000)}  # fmt: skip
    calls = [asyncio.create_task(middleware(dict(scope), receive, send)) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert started == 3  # all at once: none waits for another
    release.set()
    await asyncio.gather(*calls)
    assert len(cache) == 0
