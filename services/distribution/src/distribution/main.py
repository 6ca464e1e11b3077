"""The distribution app: FastAPI with the broker, outbox relay, release consumers and the
delivery worker in its lifespan (through the shared ServiceRuntime)."""

from __future__ import annotations

from fastapi import FastAPI

from distribution.adapters.mongo.indexes import ensure_indexes
from distribution.bootstrap import bootstrap
from distribution.config import DistributionSettings
from distribution.entrypoints.confirmations import ConfirmationMailer
from distribution.entrypoints.consumers import SUBSCRIPTIONS
from distribution.entrypoints.http import (
    alerts,
    channels,
    deliveries,
    public,
    subscribe_form,
    subscribers,
    suppressions,
    unsubscribe,
)
from distribution.entrypoints.http.errors import install_service_error_handler
from distribution.entrypoints.worker import DeliveryWorker
from newsroom_shared.auth import without_api_keys
from newsroom_shared.clock import Clock
from newsroom_shared.http.auth import Authenticator
from newsroom_shared.runtime import ServiceRuntime, package_version

DESCRIPTION = """Fan-out of published releases to social networks, subscriber email and
outbound webhooks, each delivery exactly once. Consumes release events; emits
DeliverySucceeded / DeliveryFailed."""


ROUTERS = (
    alerts.router,
    channels.router,
    deliveries.router,
    subscribers.router,
    suppressions.router,
    public.router,
    subscribe_form.router,
    unsubscribe.router,
)


def create_app(
    settings: DistributionSettings | None = None,
    clock: Clock | None = None,
    *,
    authenticator: Authenticator | None = None,
) -> FastAPI:
    """The app. Staff API keys are the publisher's: this service keeps a replica of them from
    the publisher's key events (``distribution.keys``); tests may pass their own
    ``authenticator``."""
    settings = settings or DistributionSettings()
    runtime = ServiceRuntime(settings)
    distribution = bootstrap(settings, runtime, clock)
    worker = DeliveryWorker(
        distribution,
        interval_s=settings.worker_interval_s,
        batch_size=settings.worker_batch_size,
        lease_s=settings.worker_lease_s,
        concurrency=settings.concurrency,
        sends_per_s=settings.smtp_rate_per_s,
    )
    mailer = ConfirmationMailer(
        distribution,
        interval_s=settings.confirmation_interval_s,
        batch_size=settings.worker_batch_size,
        lease_s=settings.worker_lease_s,
    )

    async def create_indexes() -> None:
        await ensure_indexes(runtime.db)

    runtime.on_startup(distribution.start)
    runtime.on_shutdown(distribution.stop)
    if settings.worker_enabled:
        runtime.on_startup(worker.start)
        runtime.on_shutdown(worker.stop)
    app = runtime.create_app(
        title="Newsroom distribution",
        version=package_version("newsroom-distribution"),
        description=DESCRIPTION,
        routers=list(ROUTERS),
        wired=distribution,
        # Another authenticator (tests) needs no replica of the keys: no key consumers then.
        subscriptions=SUBSCRIPTIONS if authenticator is None else without_api_keys(SUBSCRIPTIONS),
        authenticator=authenticator or distribution.keys.authenticator,
        prepare=[create_indexes, distribution.keys.ensure_indexes],
        background=[mailer.loop] if settings.worker_enabled else [],
    )
    install_service_error_handler(app)
    app.state.public_rate_limit = public.public_rate_limit(settings)
    app.state.distribution = distribution
    app.state.worker = worker
    app.state.confirmation_mailer = mailer
    return app
