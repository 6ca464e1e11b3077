"""The publisher app: the shared app factory with the publisher's routers, subscription table,
scheduler and indexes."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware import Middleware

from newsroom_shared.background import BackgroundLoop
from newsroom_shared.clock import Clock
from newsroom_shared.observability.metrics import add_inside_metrics
from newsroom_shared.runtime import ServiceRuntime, package_version
from publisher.adapters.mongo.indexes import ensure_indexes
from publisher.bootstrap import bootstrap
from publisher.config import PublisherSettings
from publisher.entrypoints.consumers import SUBSCRIPTIONS
from publisher.entrypoints.http import (
    api_keys,
    newsrooms,
    release_workflow,
    releases,
    tenants,
    translations,
)
from publisher.entrypoints.http.errors import install_domain_error_handler
from publisher.entrypoints.http.public import public_router
from publisher.entrypoints.scheduler import Scheduler
from publisher.entrypoints.web.custom_domains import CustomDomains
from publisher.entrypoints.web.framing import SameOriginFraming
from publisher.entrypoints.web.page_cache import PageCache, PageCacheMiddleware
from publisher.entrypoints.web.pages import pages_router

DESCRIPTION = """Tenants, newsrooms, staff API keys and press releases with their workflow.

Authenticate with `Authorization: Bearer <api key>`. Changes take an optional
`If-Match: <version>` header (a release's `version`, also sent as its `ETag`): when the
release has moved on, the answer is **412** and nothing changes. Illegal workflow steps answer
**409** naming the current status and the allowed actions. Errors are RFC 9457
problem details (`application/problem+json`) with a stable `code`. Listings page with
`limit` and `cursor`.
"""


def create_app(settings: PublisherSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or PublisherSettings()
    runtime = ServiceRuntime(settings)
    publisher = bootstrap(settings, runtime, clock)
    scheduler = Scheduler(
        publisher,
        interval_s=settings.scheduler_interval_s,
        batch_size=settings.scheduler_batch_size,
    )

    async def create_indexes() -> None:
        await ensure_indexes(runtime.db)

    background = [scheduler.loop] if settings.scheduler_enabled else []
    page_cache = None
    if publisher.page_generations is not None:  # every replica that serves pages keeps one
        generations = publisher.page_generations
        page_cache = PageCache(
            generations,
            max_bytes=settings.page_cache_max_bytes,
            max_age_s=settings.page_cache_max_age_s,
        )
        interval = settings.page_cache_poll_interval_s
        background.append(BackgroundLoop("page-versions", generations.poll, interval_s=interval))

    app = runtime.create_app(
        title="Newsroom publisher",
        version=package_version("newsroom-publisher"),
        description=DESCRIPTION,
        routers=[
            tenants.router,
            api_keys.router,
            newsrooms.router,
            releases.router,
            release_workflow.router,
            translations.router,
            public_router(settings.public_rate_per_minute, settings.public_rate_burst),
            # Last: /{newsroom slug}/releases/{id} must not shadow an API path.
            pages_router(
                settings.public_rate_per_minute,
                settings.public_rate_burst,
                settings.page_shared_max_age_s,
                settings.distribution_public_path,
                settings.comments_public_path,
                settings.media_public_path,
            ),
        ],
        wired=publisher,
        subscriptions=SUBSCRIPTIONS,
        authenticator=publisher.authenticator,
        prepare=[create_indexes],
        background=background,
    )
    install_domain_error_handler(app)
    app.add_middleware(SameOriginFraming)
    app.add_middleware(
        CustomDomains,
        directory=publisher.sites,
        proxies=settings.forwarded_host_proxies,
        scheme=settings.custom_domain_scheme,
    )
    if page_cache is not None:
        add_inside_metrics(
            app,
            Middleware(
                PageCacheMiddleware,
                cache=page_cache,
                per_minute=settings.public_rate_per_minute,
                burst=settings.public_rate_burst,
                trusted_proxies=settings.http_trusted_proxies,
            ),
        )
    app.state.publisher = publisher
    app.state.scheduler = scheduler
    app.state.page_cache = page_cache
    return app
