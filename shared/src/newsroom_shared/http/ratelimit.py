"""Per-client rate limits for public endpoints (newsroom pages, comment posting, subscribing).

A token bucket per (client, method, route template): ``burst`` requests at once, refilled at
``per_minute``. The client is the peer IP, or, behind proxies we trust, the address the
``trusted_proxies``-th proxy from the right saw in ``X-Forwarded-For`` (never the left-most
entry: clients write that one themselves).

Behind the bucket, ``per_minute`` holds across replicas for requests that change something
(posting a comment, subscribing): a window per (client, method, route) counted in the service's
own database (:mod:`newsroom_shared.http.shared_limits`, one command per request that passed
the bucket). Reads (GET, HEAD: pages, feeds, a comment thread) are limited by the bucket only,
per process: counting them in the database would add a write to every page view, the one
request a service answers most and a shared cache answers best; with N replicas a client may
read N times the rate, which caps a flood all the same. The bucket lives in memory, per
process, and caps bursts before they reach the database. Its memory is bounded: buckets idle
long enough to be full again are dropped (a fresh bucket is identical), and past
``max_clients`` the least recently used go first.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from fastapi import Request

from newsroom_shared.http.errors import TooManyRequests
from newsroom_shared.http.openapi_problems import raises
from newsroom_shared.http.shared_limits import SharedRateLimits
from newsroom_shared.token_bucket import Clock, TokenBucket

DEFAULT_MAX_CLIENTS = 100_000
# Limited per process only (see the module docstring).
READS = frozenset({"GET", "HEAD"})


class TokenBuckets:
    """Token buckets keyed by any string; ``take(key)`` answers 0 or the seconds to wait."""

    def __init__(
        self,
        per_minute: int,
        burst: int,
        *,
        clock: Clock = time.monotonic,
        max_clients: int = DEFAULT_MAX_CLIENTS,
    ) -> None:
        if per_minute < 1 or burst < 1:
            raise ValueError("per_minute and burst must be at least 1")
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = burst
        self.clock = clock
        self.max_clients = max_clients
        # Ordered by last use, oldest first, so eviction only ever looks at the front.
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def take(self, key: str) -> float:
        """Spend one token for ``key``: 0.0 when allowed, else the seconds until one is due."""
        bucket = self._buckets.pop(key, None)
        self._evict()  # with ``key`` out, so its own bucket is never the one evicted
        bucket = bucket or TokenBucket(self.rate, self.burst, clock=self.clock)
        self._buckets[key] = bucket
        return bucket.take()

    def __len__(self) -> int:
        return len(self._buckets)

    def _evict(self) -> None:
        while self._buckets:
            key, oldest = next(iter(self._buckets.items()))
            room_left = len(self._buckets) < self.max_clients  # room for the key being taken
            if not oldest.full_again() and room_left:
                return
            del self._buckets[key]


def client_address(request: Request, trusted_proxies: int = 0) -> str:
    """The caller's IP: the peer, or the entry ``trusted_proxies`` from the right of XFF."""
    peer = request.client.host if request.client else "unknown"
    if trusted_proxies < 1:
        return peer
    forwarded = [
        hop.strip()
        for header in request.headers.getlist("X-Forwarded-For")
        for hop in header.split(",")
        if hop.strip()
    ]
    if len(forwarded) < trusted_proxies:
        # Fewer hops than proxies we run: the request skipped some, so no entry is trustworthy
        # (Werkzeug's ProxyFix does the same).
        return peer
    return forwarded[-trusted_proxies]


def rate_limit(
    per_minute: int,
    burst: int,
    *,
    trusted_proxies: int | None = None,
    clock: Clock = time.monotonic,
    max_clients: int = DEFAULT_MAX_CLIENTS,
) -> Callable[[Request], Awaitable[None]]:
    """A dependency answering 429 (with ``Retry-After``) once a client exceeds the limit.

    Two checks: this process's token bucket (``burst`` at once, refilled at ``per_minute``;
    no I/O, so a flood from one client stops here), then, for a request that is not a read,
    the limit every replica shares, ``per_minute`` per client and route counted in the service's
    database
    (``request.app.state.rate_limits``, a :class:`~newsroom_shared.http.shared_limits.
    SharedRateLimits` that the app factory provides; apps without one, in tests, have only the
    bucket). ``trusted_proxies``: how many proxies we run in front of the service, each
    appending to ``X-Forwarded-For``; ``None`` reads ``request.app.state.trusted_proxies``
    (default 0: the header is ignored, as anyone can send it).
    """
    buckets = TokenBuckets(per_minute, burst, clock=clock, max_clients=max_clients)

    @raises(429)
    async def limit_rate(request: Request) -> None:
        depth = trusted_proxies
        if depth is None:
            depth = getattr(request.app.state, "trusted_proxies", 0)
        key = f"{client_address(request, depth)} {request.method} {_route_template(request)}"
        wait_s = buckets.take(key)
        shared: SharedRateLimits | None = getattr(request.app.state, "rate_limits", None)
        if wait_s == 0 and shared is not None and request.method not in READS:
            wait_s = await shared.take(key, per_minute)
        if wait_s > 0:
            raise TooManyRequests("Too many requests: slow down", retry_after=math.ceil(wait_s))

    return limit_rate


def _route_template(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "path_format", None) or request.url.path
