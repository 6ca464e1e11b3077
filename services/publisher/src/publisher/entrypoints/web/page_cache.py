"""The rendered-page cache: a page rendered once answers every reader until it changes.

Kept in each replica's memory, keyed by the request (host, path, query: the page's language is
in its URL), bounded in bytes (least recently used go first). An entry is labelled with its
tenant's page generation as known *before* its data were read (``PageGenerations``): it answers
only while that is still the tenant's generation here, the poll of ``page_versions`` is
recent, and it is younger than ``max_age_s`` (a bound on any staleness a missed change could
leave). A hit costs no database command and no rendering, and a conditional request for it
gets its 304 the same way. Concurrent misses of one page wait for the first one's render
instead of each reading and rendering it (after a change, a popular page is rendered once,
not once per reader arriving meanwhile). Opt-in per route (:func:`cached_page`); the route
names the page's tenant (:func:`page_of`) once it knows the page is one of a newsroom's
public ones.

Cached: 200 and 410 answers only (a 404 is cheap and its keys are unbounded).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, ParamSpec

from prometheus_client import Counter
from starlette.requests import Request
from starlette.responses import Response

from publisher.adapters.page_generations import Generation, PageGenerations
from publisher.entrypoints.web.conditional import Validators, etag_matches, not_modified

P = ParamSpec("P")
# How long a request waits for another one rendering the same page before rendering it itself.
RENDER_WAIT_S = 5.0
LOOKUPS = Counter(
    "publisher_page_cache_lookups", "Rendered-page cache lookups, by outcome", ["outcome"]
)
# Per answer, never replayed from the cache: the size follows the body; the rest is set per
# request by the middlewares outside the route.
_NOT_KEPT = frozenset({"content-length", "x-request-id", "set-cookie"})


@dataclass(frozen=True, slots=True)
class CachedPage:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    tenant_id: str
    generation: Generation
    stored_at: float

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)

    def answer(self, request: Request) -> Response:
        """This page, or a 304 when the client has it (as the route itself would answer)."""
        headers = dict(self.headers)
        if self.status == 200 and _client_has_it(request, headers):
            kept = {k: v for k, v in headers.items() if k != "content-type"}
            return Response(status_code=304, headers=kept)
        return Response(self.body, status_code=self.status, headers=headers)


def _client_has_it(request: Request, headers: dict[str, str]) -> bool:
    etag = headers.get("etag")
    if etag is None:
        return False
    if "last-modified" not in headers:
        return etag_matches(request, etag) is True
    modified = parsedate_to_datetime(headers["last-modified"])
    return not_modified(request, Validators(etag=etag, last_modified=modified))


class PageCache:
    def __init__(
        self,
        generations: PageGenerations,
        *,
        max_bytes: int,
        max_age_s: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.generations = generations
        self._max_bytes = max_bytes
        self._max_age_s = max_age_s
        self._monotonic = monotonic
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._bytes = 0
        self._rendering: dict[str, asyncio.Event] = {}  # keys whose first miss is rendering

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, key: str) -> CachedPage | None:
        page = self._pages.get(key)
        if page is None:
            LOOKUPS.labels("miss").inc()
            return None
        if not self._good(page):
            self._drop(key)
            LOOKUPS.labels("stale").inc()
            return None
        self._pages.move_to_end(key)
        LOOKUPS.labels("hit").inc()
        return page

    def put(self, key: str, page: CachedPage) -> None:
        if page.size > self._max_bytes // 8:
            return  # one page must not push out most of the others
        self._drop(key)
        self._pages[key] = page
        self._bytes += page.size
        while self._bytes > self._max_bytes:
            oldest = next(iter(self._pages))
            self._drop(oldest)

    def lead(self, key: str) -> asyncio.Event | None:
        """Claim the rendering of a missed ``key``: an event to set when done, or ``None``
        when another request renders it already (then :meth:`wait` for it)."""
        if key in self._rendering:
            return None
        done = self._rendering[key] = asyncio.Event()
        return done

    def done(self, key: str, event: asyncio.Event) -> None:
        if self._rendering.get(key) is event:
            del self._rendering[key]
        event.set()

    async def wait(self, key: str) -> None:
        """Until the request rendering ``key`` is done (at most ``RENDER_WAIT_S``)."""
        event = self._rendering.get(key)
        if event is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), RENDER_WAIT_S)

    def _good(self, page: CachedPage) -> bool:
        return (
            self.generations.fresh()
            and self.generations.current(page.tenant_id) == page.generation
            and self._monotonic() - page.stored_at <= self._max_age_s
        )

    def _drop(self, key: str) -> None:
        page = self._pages.pop(key, None)
        if page is not None:
            self._bytes -= page.size

    def keep(self, key: str, response: Response, tenant_id: str, generation: Generation) -> None:
        headers = tuple(
            (name, value) for name, value in response.headers.items() if name not in _NOT_KEPT
        )
        page = CachedPage(
            status=response.status_code,
            body=bytes(response.body),
            headers=headers,
            tenant_id=tenant_id,
            generation=generation,
            stored_at=self._monotonic(),
        )
        self.put(key, page)


def page_of(request: Request, tenant_id: str) -> None:
    """Tell the cache the page being answered is one of ``tenant_id``'s public pages."""
    request.state.page_tenant = tenant_id


def request_key(request: Request) -> str:
    host = request.headers.get("host", "")
    forwarded = request.headers.get("x-forwarded-host", "")
    return f"{host}|{forwarded}|{request.url.path}?{request.url.query}"


def cached_page(
    route: Callable[P, Awaitable[Response]],
) -> Callable[P, Awaitable[Response]]:
    """A page route whose answers the app's :class:`PageCache` keeps (the route takes a
    ``request`` argument and calls :func:`page_of` for a page it may keep)."""

    @functools.wraps(route)
    async def answer(*args: P.args, **kwargs: P.kwargs) -> Response:
        request = kwargs["request"]
        assert isinstance(request, Request)
        cache: PageCache | None = getattr(request.app.state, "page_cache", None)
        if cache is None:
            return await route(*args, **kwargs)
        key = request_key(request)
        hit = cache.get(key)
        if hit is not None:
            return hit.answer(request)
        leading = cache.lead(key)
        if leading is None:  # the same page is being rendered: one render serves both
            await cache.wait(key)
            hit = cache.get(key)
            if hit is not None:
                return hit.answer(request)
        try:
            return await rendered(cache, key, request, route(*args, **kwargs))
        finally:
            if leading is not None:
                cache.done(key, leading)

    return answer


async def rendered(
    cache: PageCache, key: str, request: Request, route: Awaitable[Response]
) -> Response:
    """The route's answer, kept when it is a page of one tenant's (:func:`page_of`)."""
    known = cache.generations.snapshot()  # before the route reads anything
    response = await route
    tenant_id: Any = getattr(request.state, "page_tenant", None)
    if isinstance(tenant_id, str) and response.status_code in (200, 410):
        cache.keep(key, response, tenant_id, PageGenerations.of(known, tenant_id))
    return response
