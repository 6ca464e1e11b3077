"""The cache of the visitors' thread and count answers: the shared rendered-page cache
(``newsroom_shared.http.page_cache``) over ``GET /v1/public/releases/{id}/comments`` (every
``order``, ``limit`` and ``cursor``: the query is part of the key) and ``.../comment-count``.

Those answers depend on the URL alone: the widget fetches them without credentials, sends no
token with a read, and shows a visitor's own fresh comment from the answer to its post, not
from a read. A read that carries ``Authorization`` passes by all the same (a staff request
is never the public's).

An answer is labelled with its release's version (and a count also with its newsroom's:
the comment period in the settings says whether it is open); every write that changes them
raises it in its transaction (``adapters/page_scopes.py``), and a miss reads the release and
settings from the database (``Comments.page_reader``), not through the per-process read
cache, so an answer is exactly as current as its label. A count is kept no longer than until
its release closes (``open`` turns false with time alone).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import FastAPI, Request
from prometheus_client import Counter
from starlette.middleware import Middleware
from starlette.types import Scope

from comments.adapters.page_scopes import newsroom_part, release_part
from comments.bootstrap import Comments
from comments.entrypoints.http.cors import PUBLIC_PREFIX, local_path
from newsroom_shared.background import BackgroundLoop
from newsroom_shared.http.page_cache import (
    PageCache,
    PageCacheMiddleware,
    anonymous_read,
    page_of,
)
from newsroom_shared.observability.metrics import add_inside_metrics

LOOKUPS = Counter(
    "comments_page_cache_lookups",
    "Thread and count answers' cache lookups, by outcome",
    ["outcome"],
)
RELEASES = PUBLIC_PREFIX + "releases/"


def may_be_a_page(scope: Scope) -> bool:
    """A visitor's read of a release's thread or count (the routes that opt in say which)."""
    return anonymous_read(scope) and local_path(scope).startswith(RELEASES)


def thread_of(request: Request, tenant_id: str, release_id: str) -> None:
    """The answer being sent is this release's public thread (a page of it)."""
    page_of(request, tenant_id, release_part(release_id))


def count_of(
    request: Request,
    comments: Comments,
    tenant_id: str,
    release_id: str,
    newsroom_id: str,
    closes_at: datetime | None,
) -> None:
    """The answer being sent is this release's count (open or not, by its newsroom's period)."""
    good_for_s = None
    if closes_at is not None:
        good_for_s = max(0.0, (closes_at - comments.deps.clock.now()).total_seconds())
    parts = (release_part(release_id), newsroom_part(newsroom_id))
    page_of(request, tenant_id, *parts, good_for_s=good_for_s)


def poll_loop(comments: Comments) -> list[BackgroundLoop]:
    """The loop reading which versions moved (none without a cache): it runs with the app."""
    generations = comments.page_generations
    if generations is None:
        return []
    interval_s = comments.settings.page_cache_poll_interval_s
    return [BackgroundLoop("page-versions", generations.poll, interval_s=interval_s)]


def install(app: FastAPI, comments: Comments) -> None:
    """Put the cache in ``app``, just inside the metrics middleware, when configured."""
    settings, generations = comments.settings, comments.page_generations
    cache = None
    if generations is not None:
        cache = PageCache(
            generations,
            max_bytes=settings.page_cache_max_bytes,
            max_age_s=settings.page_cache_max_age_s,
            lookups=LOOKUPS,
        )
        add_inside_metrics(
            app,
            Middleware(
                PageCacheMiddleware,
                cache=cache,
                per_minute=settings.public_rate_per_minute,
                burst=settings.public_rate_burst,
                trusted_proxies=settings.http_trusted_proxies,
                may_be_a_page=may_be_a_page,
            ),
        )
    app.state.page_cache = cache
