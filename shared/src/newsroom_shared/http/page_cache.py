"""The rendered-page cache: a page rendered once answers every reader until it changes.

Kept in each replica's memory, keyed by the request (host, path, query: what a public page
shows must depend on nothing else, no cookie, no token), bounded in bytes (least recently used
go first). An entry is labelled with the generations of the scopes it shows (its tenant's
pages, or parts of them: ``newsroom_shared.page_generations``) as known *before* its data were
read: it answers only while those are still the generations here, the poll of
``page_versions`` is recent, it is younger than ``max_age_s`` (a bound on any staleness a
missed change could leave) and than what its route allowed (``good_for_s``: data read through
a cache of their own, an answer that changes with time). A hit costs no database command and
no rendering, and a conditional request for it gets its 304 the same way. Concurrent misses
of one page wait for the first one's render instead of each reading and rendering it (after a
change, a popular page is rendered once, not once per reader arriving meanwhile).

An ASGI middleware (:class:`PageCacheMiddleware`), so a hit skips routing, dependencies and
the route itself; each service says which requests may be pages (``may_be_a_page``: the
others pass by untouched, never looked up nor made to wait). A page route opts in by naming
the page's tenant and scope (:func:`page_of`) once it knows the page is a public one; only
such answers are kept, and only 200 and 410 (a 404 is cheap and its keys are unbounded).
Used by the publisher (newsroom pages) and comments (a release's thread and count).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from math import ceil

from prometheus_client import Counter
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsroom_shared.http.conditional import Validators, etag_matches, not_modified
from newsroom_shared.http.errors import TooManyRequests
from newsroom_shared.http.ratelimit import TokenBuckets, client_address
from newsroom_shared.page_generations import Label, PageGenerations

# How long a request waits for another one rendering the same page before rendering it itself.
RENDER_WAIT_S = 5.0
# Per answer, never replayed from the cache: the size follows the body; the rest is set per
# request by the middlewares outside the route.
_NOT_KEPT = frozenset({"content-length", "x-request-id", "set-cookie"})


@dataclass(frozen=True, slots=True)
class CachedPage:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    tenant_id: str
    generation: Label  # of the tenant's pages, or of each of ``parts``
    stored_at: float
    route: object = None  # the route that made it (for the metrics of its hits)
    parts: tuple[str, ...] = ()  # the parts of the tenant's pages it shows; (): all of them
    expires_at: float | None = None  # the cache's clock; None: only ``max_age_s`` bounds it

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)

    def answer(self, request: Request) -> Response:
        """This page, or a 304 when the client has it (as the route itself would answer)."""
        headers = dict(self.headers)
        if self.status == 200 and _client_has_it(request, headers):
            kept = {k: v for k, v in headers.items() if k != "content-type"}
            return Response(status_code=304, headers=kept)
        body = b"" if request.method == "HEAD" else self.body
        response = Response(body, status_code=self.status, headers=headers)
        if request.method == "HEAD":  # the GET's length, without its body
            response.headers["content-length"] = str(len(self.body))
        return response


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
        lookups: Counter,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.generations = generations
        self._lookups = lookups  # the service's counter, labelled by outcome
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
            self._lookups.labels("miss").inc()
            return None
        if not self._good(page):
            self._drop(key)
            self._lookups.labels("stale").inc()
            return None
        self._pages.move_to_end(key)
        self._lookups.labels("hit").inc()
        return page

    def put(self, key: str, page: CachedPage) -> None:
        if page.size > self.largest:
            return
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
        now = self._monotonic()
        known = self.generations.snapshot()
        return (
            self.generations.fresh()
            and PageGenerations.label(known, page.tenant_id, page.parts) == page.generation
            and now - page.stored_at <= self._max_age_s
            and (page.expires_at is None or now < page.expires_at)
        )

    def _drop(self, key: str) -> None:
        page = self._pages.pop(key, None)
        if page is not None:
            self._bytes -= page.size

    def now(self) -> float:
        """The cache's clock (monotonic seconds): entries' ages count on it."""
        return self._monotonic()

    @property
    def largest(self) -> int:
        """The largest page kept: one page must not push out most of the others."""
        return self._max_bytes // 8


def page_of(request: Request, tenant_id: str, *parts: str, good_for_s: float | None = None) -> None:
    """Tell the cache the page being answered is one of ``tenant_id``'s public pages (a page
    route calls it once it knows; answers of routes that never do are not kept).

    ``parts``: the parts of the tenant's pages whose versions it depends on (their writes
    note the same parts); none: the tenant's pages as a whole. ``good_for_s``: how long the
    answer may be kept at most whatever the versions say (it shows data read through a cache
    of its own, or changes with time)."""
    request.state.page_tenant = tenant_id
    request.state.page_parts = parts
    request.state.page_good_for_s = good_for_s


def scope_key(scope: Scope) -> str:
    """Host (and forwarded host), path and query: the page's language is in its URL."""
    headers = Headers(scope=scope)
    host, forwarded = headers.get("host", ""), headers.get("x-forwarded-host", "")
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{host}|{forwarded}|{scope.get('path', '')}?{query}"


class PageCacheMiddleware:
    """Answers GETs and HEADs of kept pages before routing (no dependency, no database, no
    rendering), and keeps what the page routes answer. Placed inside the request-id and
    metrics middlewares (``add_inside_metrics``), so hits are counted and traced like any
    request, and each client's hits are limited by a token bucket of the public routes' size
    (per replica, as reads are). Requests ``may_be_a_page`` refuses pass by untouched."""

    def __init__(
        self,
        app: ASGIApp,
        cache: PageCache,
        per_minute: int,
        burst: int,
        trusted_proxies: int,
        *,
        may_be_a_page: Callable[[Scope], bool],
    ) -> None:
        self.app = app
        self.cache = cache
        self.buckets = TokenBuckets(per_minute, burst)
        self.trusted_proxies = trusted_proxies
        self.may_be_a_page = may_be_a_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.may_be_a_page(scope):  # the API, docs, health: not looked up, never waited on
            await self.app(scope, receive, send)
            return
        key = scope_key(scope)
        hit = self.cache.get(key)
        if hit is None:
            leading = self.cache.lead(key)
            if leading is None:  # the same page is being rendered: one render serves both
                await self.cache.wait(key)
                hit = self.cache.get(key)
            if hit is None:
                await self._render(key, leading, scope, receive, send)
                return
        await self._answer(hit, scope, receive, send)

    async def _answer(self, page: CachedPage, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        wait_s = self.buckets.take(f"{client_address(request, self.trusted_proxies)} page")
        if wait_s > 0:
            limited = TooManyRequests("Too many requests: slow down", retry_after=ceil(wait_s))
            await limited.response(request)(scope, receive, send)
            return
        if page.route is not None:
            scope["route"] = page.route  # the metrics name the route the page came from
        await page.answer(request)(scope, receive, send)

    async def _render(
        self, key: str, leading: asyncio.Event | None, scope: Scope, receive: Receive, send: Send
    ) -> None:
        state = scope.setdefault("state", {})
        known = self.cache.generations.snapshot()  # before the route reads anything
        kept = _Kept(send, limit=self.cache.largest)
        try:
            await self.app(scope, receive, kept.send)
        finally:
            if leading is not None:
                self.cache.done(key, leading)
        tenant_id = state.get("page_tenant")
        if scope["method"] == "GET" and isinstance(tenant_id, str) and kept.whole:
            parts: tuple[str, ...] = state.get("page_parts", ())
            good_for_s: float | None = state.get("page_good_for_s")
            now = self.cache.now()
            page = kept.page(
                tenant_id,
                PageGenerations.label(known, tenant_id, parts),
                scope.get("route"),
                now,
                parts=parts,
                expires_at=None if good_for_s is None else now + good_for_s,
            )
            if page.status in (200, 410):
                self.cache.put(key, page)


def anonymous_read(scope: Scope) -> bool:
    """A read (GET, HEAD) without an ``Authorization`` header: what a public page's request
    is at least (a staff request's answer is the caller's, never the public's)."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return False
    return not any(name == b"authorization" for name, _ in scope.get("headers", []))


class _Kept:
    """Passes an answer on while keeping a copy of it (up to ``limit`` bytes of body)."""

    def __init__(self, send: Send, *, limit: int) -> None:
        self._send = send
        self._limit = limit
        self.status = 0
        self.headers: list[tuple[str, str]] = []
        self.body = bytearray()
        self.whole = False
        self._too_big = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = [
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, value in message.get("headers", [])
                if name.decode("latin-1").lower() not in _NOT_KEPT
            ]
        elif message["type"] == "http.response.body" and not self._too_big:
            self.body += message.get("body", b"")
            self._too_big = len(self.body) > self._limit
            self.whole = not message.get("more_body", False) and not self._too_big
        await self._send(message)

    def page(
        self,
        tenant_id: str,
        generation: Label,
        route: object,
        stored_at: float,
        *,
        parts: tuple[str, ...],
        expires_at: float | None,
    ) -> CachedPage:
        return CachedPage(
            status=self.status,
            body=bytes(self.body),
            headers=tuple(self.headers),
            tenant_id=tenant_id,
            generation=generation,
            stored_at=stored_at,
            route=route,
            parts=parts,
            expires_at=expires_at,
        )
