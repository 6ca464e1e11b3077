"""The publisher app: FastAPI with the broker, outbox relay, consumers and scheduler in its
lifespan (through the shared ServiceRuntime)."""

from __future__ import annotations

from fastapi import FastAPI

from newsroom_shared.runtime import ServiceRuntime, package_version
from publisher.adapters.mongo.indexes import ensure_indexes
from publisher.bootstrap import bootstrap
from publisher.config import PublisherSettings
from publisher.domain.clock import Clock
from publisher.entrypoints.consumers import register_consumers
from publisher.entrypoints.http import api_keys, newsrooms, release_workflow, releases, tenants
from publisher.entrypoints.http.errors import install_domain_error_handler
from publisher.entrypoints.http.public import public_router
from publisher.entrypoints.scheduler import Scheduler

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
    if settings.consumers_enabled:
        register_consumers(runtime.broker, publisher)
    scheduler = Scheduler(
        publisher,
        interval_s=settings.scheduler_interval_s,
        batch_size=settings.scheduler_batch_size,
    )

    async def create_indexes() -> None:
        await ensure_indexes(runtime.db)

    runtime.on_prepare(create_indexes)
    if settings.scheduler_enabled:
        runtime.on_startup(scheduler.start)
        runtime.on_shutdown(scheduler.stop)
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
            public_router(settings.public_rate_per_minute, settings.public_rate_burst),
        ],
    )
    install_domain_error_handler(app)
    app.state.publisher = publisher
    app.state.authenticator = publisher.authenticator
    app.state.scheduler = scheduler
    return app
