"""What every service runs: MongoDB client, Kafka broker, outbox relay, health, metrics, errors.

A service builds one :class:`ServiceRuntime` from its settings, wires its own parts
(``bootstrap.py``), and gets its FastAPI app from :meth:`ServiceRuntime.create_app`, the one app
factory: its subscription table registered on the broker, its background loops, its indexes
prepared before anything consumes, authentication, error handlers, health, readiness, metrics and
offline API docs. The broker runs inside FastAPI's lifespan (design.md: not through FastStream's
FastAPI plugin, which is slated for removal).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import TypeVar

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline
from faststream.kafka import KafkaBroker

from newsroom_shared.background import BackgroundLoop
from newsroom_shared.config import ServiceSettings
from newsroom_shared.consumer.inbox import Inbox
from newsroom_shared.consumer.table import Subscription, register
from newsroom_shared.events.base import Event
from newsroom_shared.events.envelope import Envelope, envelope_for
from newsroom_shared.http.auth import Authenticator
from newsroom_shared.http.errors import install_error_handlers
from newsroom_shared.http.shared_limits import SharedRateLimits
from newsroom_shared.mongo import Database, make_client
from newsroom_shared.observability.health import health_router, kafka_check, mongo_check
from newsroom_shared.observability.logging import FASTSTREAM_ACCESS_LOGGER, configure_logging
from newsroom_shared.observability.metrics import install_http_metrics, metrics_router
from newsroom_shared.observability.request_id import RequestIdMiddleware
from newsroom_shared.outbox import Outbox, OutboxRelay

Hook = Callable[[], Awaitable[None]]
W = TypeVar("W")

logger = logging.getLogger(__name__)


def package_version(distribution: str) -> str:
    """The installed version of a service's package (its API version in OpenAPI)."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "0.0.0"


def instance_id() -> str:
    """Names this process among the service's replicas (lease owner, Kafka client id)."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


async def start_broker(broker: KafkaBroker) -> None:
    """``broker.start()`` (FastStream 0.7), but starting the subscribers concurrently: each
    Kafka consumer's group join takes seconds, and FastStream starts them one after another."""
    await broker.connect()
    await asyncio.gather(*(subscriber.start() for subscriber in broker.subscribers))
    for publisher in broker.publishers:
        await publisher.start()
    broker.running = True


async def bounded(step: str, stop: Hook, timeout_s: float) -> None:
    """Run one shutdown step, abandoning it with a warning after ``timeout_s``.

    Used for every step of a service's shutdown: work it abandons is safe to lose (offsets not
    committed are replayed into the idempotent consumers; unsent outbox entries stay unsent), a
    shutdown that never ends is not (the remaining steps never run). The warning carries where
    the step was stuck."""
    task = asyncio.ensure_future(stop())
    done, _ = await asyncio.wait({task}, timeout=timeout_s)
    if done:
        task.result()
        return
    where = io.StringIO()
    task.print_stack(file=where)  # the whole await chain, innermost last
    logger.warning(
        "shutdown step %r took over %.1f s; abandoned. It was at:\n%s",
        step,
        timeout_s,
        where.getvalue(),
    )
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


class ServiceRuntime:
    """Connections and background work shared by all five services."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.instance = instance_id()
        self.source = f"/newsroom/{settings.service_name}"
        # The application name shows in MongoDB's logs, currentOp and profiler: which service
        # (and so which replica set of pods) a slow query or an open transaction came from.
        self.mongo = make_client(settings.mongodb_uri, appname=f"newsroom-{settings.service_name}")
        self.db: Database = self.mongo[settings.database_name]
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            client_id=f"newsroom-{settings.service_name}",
            # Our JSON handler, not the plain-text one FastStream installs by default; and its
            # per-message lines at DEBUG, off the hot path (they halve consumer throughput).
            logger=logging.getLogger(FASTSTREAM_ACCESS_LOGGER),
            log_level=logging.DEBUG,
        )
        self.outbox = Outbox(self.db)
        self.relay = OutboxRelay(
            self.db,
            settings.kafka_bootstrap_servers,
            owner=self.instance,
            batch_size=settings.outbox_batch_size,
            poll_interval_s=settings.outbox_poll_interval_s,
            busy_pause_s=settings.outbox_busy_pause_s,
            lease_ttl_s=settings.outbox_lease_ttl_s,
        )
        # Public rate limits shared by every replica (newsroom_shared.http.ratelimit).
        self.rate_limits = SharedRateLimits(self.db)
        self._prepare: list[Hook] = [self.rate_limits.ensure_indexes]
        self._startup: list[Hook] = []
        self._shutdown: list[Hook] = []

    def envelope(self, event: Event) -> Envelope:
        """The CloudEvents envelope of an event this service produces."""
        return envelope_for(event, source=self.source)

    def on_prepare(self, hook: Hook) -> None:
        """Run ``hook`` before any consumer or background job starts: collections and indexes.

        Consumers rely on unique indexes for idempotency, so those must exist first; and a
        collection created implicitly inside concurrent transactions makes them conflict, so
        collections are made here, before anything writes in a transaction.
        """
        self._prepare.append(hook)

    def on_startup(self, hook: Hook) -> None:
        """Run ``hook`` once the database, broker and relay are up."""
        self._startup.append(hook)

    def on_shutdown(self, hook: Hook) -> None:
        """Run ``hook`` before the relay, broker and database close (in reverse order)."""
        self._shutdown.append(hook)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Everything the service needs, started in order and stopped in reverse."""
        async with AsyncExitStack() as stack:

            def on_exit(step: str, stop: Hook) -> None:
                timeout_s = self.settings.shutdown_step_timeout_s
                stack.push_async_callback(bounded, step, stop, timeout_s)

            on_exit("mongodb client", self.mongo.close)
            await self.outbox.ensure_indexes()
            # The inbox's TTL index is per collection, not per consumer: made here, before the
            # consumers start (each consumer checks it again, for use without a runtime).
            await Inbox(
                self.db, self.settings.service_name, self.settings.inbox_ttl_s
            ).ensure_indexes()
            for hook in self._prepare:
                await hook()
            await start_broker(self.broker)
            on_exit("kafka broker", self.broker.stop)
            await self.relay.start()
            on_exit("outbox relay", self.relay.stop)
            for hook in self._startup:
                await hook()
            for hook in self._shutdown:
                on_exit(getattr(hook, "__qualname__", repr(hook)), hook)
            logger.info("service started", extra={"instance": self.instance})
            yield
            logger.info("service stopping", extra={"instance": self.instance})

    def create_app(
        self,
        *,
        title: str,
        version: str,
        description: str,
        routers: Sequence[APIRouter],
        wired: W,
        subscriptions: Sequence[Subscription[W]] = (),
        authenticator: Authenticator | None = None,
        prepare: Sequence[Hook] = (),
        background: Sequence[BackgroundLoop] = (),
        openapi_tags: list[dict[str, str]] | None = None,
        streamed_paths: Sequence[str] = (),
    ) -> FastAPI:
        """The service's FastAPI app, with the runtime in its lifespan.

        ``subscriptions`` are registered on the broker (in an API-only replica, with
        ``consumers_enabled`` off, only those that serve the API);
        ``prepare`` hooks (collections, indexes) run before any consumer starts; ``background``
        loops start once everything is up and stop first. ``wired`` (the service's wiring, see
        its ``bootstrap.py``) is what the subscription rows build their handlers from, and is
        kept at ``app.state.service``. ``authenticator`` checks staff tokens on the routes that
        need them (``newsroom_shared.http.auth``). ``streamed_paths`` are routes that stream
        their request body (uploads) and enforce their own size limits instead of
        ``http_max_body_bytes``.
        """
        settings = self.settings
        configure_logging(settings.log_level, settings.log_json, settings.service_name)
        register(self.broker, subscriptions, wired, db=self.db, settings=settings)
        for hook in prepare:
            self.on_prepare(hook)
        for loop in background:
            self.on_startup(loop.start)
            self.on_shutdown(loop.stop)

        @asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            async with self.running():
                yield

        # Swagger UI and ReDoc from assets inside the package: the docs work offline.
        app = FastAPIOffline(
            title=title,
            version=version,
            description=description,
            lifespan=lifespan,
            openapi_tags=openapi_tags,
        )
        app.state.runtime = self
        app.state.service = wired
        app.state.authenticator = authenticator
        app.state.rate_limits = self.rate_limits
        app.state.trusted_proxies = settings.http_trusted_proxies  # read by rate limits
        install_error_handlers(
            app, max_body_bytes=settings.http_max_body_bytes, streamed_paths=streamed_paths
        )
        install_http_metrics(app, settings.service_name)
        app.add_middleware(RequestIdMiddleware)
        app.include_router(
            health_router(
                {
                    "mongodb": mongo_check(self.mongo),
                    "kafka": kafka_check(settings.kafka_bootstrap_servers),
                }
            )
        )
        app.include_router(metrics_router())
        for router in routers:
            app.include_router(router)
        return app
