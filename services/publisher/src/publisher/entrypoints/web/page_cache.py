"""The publisher's rendered-page cache: the shared one (``newsroom_shared.http.page_cache``)
over the newsroom pages, one version per tenant, with the publisher's own lookup counter.

A request may be a page when it is an anonymous read outside the site's own paths (the
reserved first segments: the API, docs, health).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import Counter
from starlette.types import ASGIApp, Scope

from newsroom_shared.http import page_cache as shared
from newsroom_shared.http.page_cache import CachedPage as CachedPage
from newsroom_shared.http.page_cache import page_of as page_of
from newsroom_shared.page_generations import PageGenerations
from publisher.domain.newsroom import is_reserved
from publisher.entrypoints.web.custom_domains import first_segment, route_path

LOOKUPS = Counter(
    "publisher_page_cache_lookups", "Rendered-page cache lookups, by outcome", ["outcome"]
)


class PageCache(shared.PageCache):
    def __init__(
        self,
        generations: PageGenerations,
        *,
        max_bytes: int,
        max_age_s: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            generations,
            max_bytes=max_bytes,
            max_age_s=max_age_s,
            lookups=LOOKUPS,
            monotonic=monotonic,
        )


def may_be_a_page(scope: Scope) -> bool:
    """A public page's request: a read, anonymous, not under one of the site's own paths."""
    return shared.anonymous_read(scope) and not is_reserved(first_segment(route_path(scope)))


class PageCacheMiddleware(shared.PageCacheMiddleware):
    def __init__(
        self, app: ASGIApp, cache: PageCache, per_minute: int, burst: int, trusted_proxies: int
    ) -> None:
        super().__init__(
            app, cache, per_minute, burst, trusted_proxies, may_be_a_page=may_be_a_page
        )
