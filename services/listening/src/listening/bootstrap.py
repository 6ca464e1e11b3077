"""Wiring: settings and runtime in, the listening service's dependencies out.

The real adapters behind the service layer's ports (:mod:`listening.service.ports`) are chosen
here: MongoDB repositories in a unit of work, py3langid, VADER, the webhook secrets. Tests swap
the clock here; everything else receives what this builds.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Awaitable

from pymongo.asynchronous.client_session import AsyncClientSession

from listening.adapters.feeds.fetcher import FetchLimits, HttpFeedFetcher
from listening.adapters.feeds.parser import FeedparserParser
from listening.adapters.language import LangidDetector
from listening.adapters.mongo.unit_of_work import MongoUnitOfWork
from listening.adapters.sentiment import VaderSentiment
from listening.adapters.webhook_secrets import DerivedWebhookSecrets
from listening.adapters.word_frequency import commonness
from listening.bluesky_wiring import BlueskyWiring
from listening.config import ListeningSettings
from listening.domain.feeds import FeedPolicy
from listening.mastodon_wiring import MastodonWiring
from listening.service.feed_polling import poll_due
from listening.service.feed_ports import FeedDeps, FeedFetcher
from listening.service.ports import Deps
from listening.service.query_index import QueryIndex
from listening.service.spike_sweep import close_calmed_episodes
from newsroom_shared.auth import KeyFollower
from newsroom_shared.background import BackgroundLoop, Doorbell
from newsroom_shared.clock import Clock, SystemClock
from newsroom_shared.lease import Lease
from newsroom_shared.runtime import ServiceRuntime, package_version

logger = logging.getLogger(__name__)
SPIKE_SWEEP_LEASE = "listening.spike-sweep"


class Listening:
    """The wired service: what routes and consumers work with."""

    def __init__(
        self,
        settings: ListeningSettings,
        runtime: ServiceRuntime,
        deps: Deps,
        service_keys: list[str] | None = None,
    ) -> None:
        self.settings = settings
        self.runtime = runtime
        self.deps = deps
        self.keys = KeyFollower(runtime.db, settings)
        self.index = QueryIndex(self.reader, commonness)
        self.queries_changed = Doorbell()
        """Rung after a query change commits here: the matcher of this replica rebuilds now."""
        self.feed_fetcher = HttpFeedFetcher(feed_limits(settings))
        self.feed_deps = feed_deps(settings, deps.clock, self.feed_fetcher)
        self.feeds_added = Doorbell()
        """Rung after a feed is added here: this replica's poller fetches it now."""

        self.mastodon = MastodonWiring(
            settings,
            runtime.db,
            runtime.instance,
            keys=service_keys or _webhook_keys(settings),
            uow=self.uow,
            reader=self.reader,
            clock=deps.clock,
        )
        self.spike_sweep_lease = Lease(
            runtime.db,
            SPIKE_SWEEP_LEASE,
            runtime.instance,
            3 * settings.spike_sweep_interval_s,
            deps.clock,
        )
        self.bluesky = BlueskyWiring(
            settings, runtime.db, runtime.instance, uow=self.uow, clock=deps.clock
        )

    def uow(self) -> MongoUnitOfWork:
        """A unit of work for a command: one transaction, events through the outbox."""
        return self._unit_of_work()

    def reader(self) -> MongoUnitOfWork:
        """A unit of work for reads: no transaction."""
        return self._unit_of_work(transactional=False)

    def joined(self, session: AsyncClientSession) -> MongoUnitOfWork:
        """A unit of work inside someone else's transaction (a consumer's inbox transaction)."""
        return self._unit_of_work(session=session)

    def _unit_of_work(
        self, *, transactional: bool = True, session: AsyncClientSession | None = None
    ) -> MongoUnitOfWork:
        runtime = self.runtime
        return MongoUnitOfWork(
            runtime.mongo,
            runtime.db,
            runtime.outbox,
            runtime.envelope,
            transactional=transactional,
            session=session,
        )

    def loops(self) -> list[BackgroundLoop]:
        """The query follower: polls the query version, woken at once by local changes."""
        loop = BackgroundLoop(
            "listening-queries",
            self.index.refresh,
            interval_s=self.settings.queries_poll_interval_s,
        )
        self.queries_changed.attach(loop)
        return [
            loop,
            *self._feed_poller(),
            *self._spike_sweeper(),
            *self.mastodon.loops(),
            *self.bluesky.loops(),
        ]

    async def sweep_spikes(self) -> int:
        """One pass of the spike sweep, when this replica holds (or takes) its lease: closes
        the episodes that calmed; answers how many."""
        if not await self.spike_sweep_lease.acquire():
            return 0
        return await close_calmed_episodes(self.reader, self.uow, self.deps.clock.now())

    def _spike_sweeper(self) -> list[BackgroundLoop]:
        if not self.settings.spike_sweep_enabled:
            return []
        interval = self.settings.spike_sweep_interval_s
        return [BackgroundLoop("listening-spike-sweep", self.sweep_spikes, interval_s=interval)]

    def poll_feeds(self) -> Awaitable[int]:
        """One pass of the feed poller: claim due feeds, fetch them, store what came of it."""
        return poll_due(self.reader, self.uow, self.feed_deps)

    def _feed_poller(self) -> list[BackgroundLoop]:
        if not self.settings.feed_polling_enabled:
            return []
        loop = BackgroundLoop(
            "listening-feeds", self.poll_feeds, interval_s=self.settings.feed_poller_idle_s
        )
        self.feeds_added.attach(loop)
        return [loop]


def feed_limits(settings: ListeningSettings) -> FetchLimits:
    return FetchLimits(
        connect_timeout_s=settings.feed_connect_timeout_s,
        read_timeout_s=settings.feed_read_timeout_s,
        deadline_s=settings.feed_fetch_deadline_s,
        max_bytes=settings.feed_max_bytes,
        user_agent=f"NewsroomListening/{package_version('newsroom-listening')} (feed poller)",
        allow_insecure=settings.allow_insecure_urls,
    )


def feed_deps(settings: ListeningSettings, clock: Clock, fetcher: FeedFetcher) -> FeedDeps:
    policy = FeedPolicy(
        poll_interval_s=settings.feed_poll_interval_s,
        retry_base_s=settings.feed_retry_base_s,
        backoff_cap_s=settings.feed_backoff_cap_s,
        disable_after_not_found=settings.feed_disable_after_not_found,
        seen_ids=settings.feed_seen_ids,
    )
    return FeedDeps(
        clock=clock,
        fetcher=fetcher,
        parser=FeedparserParser(),
        policy=policy,
        random=random.random,
        allow_insecure_urls=settings.allow_insecure_urls,
        max_feeds_per_tenant=settings.max_feeds_per_tenant,
        claim_batch=settings.feed_claim_batch,
        claim_lease_s=settings.feed_claim_lease_s,
    )


def _webhook_keys(settings: ListeningSettings) -> list[str]:
    value = settings.webhook_secret_keys
    keys = [k.strip() for k in value.get_secret_value().split(",") if k.strip()] if value else []
    if keys:
        return keys
    logger.warning(
        "LISTENING_WEBHOOK_SECRET_KEYS is not set: inbound webhook secrets come from a random "
        "key and die with this process (development only)"
    )
    return [secrets.token_urlsafe(32)]


def bootstrap(
    settings: ListeningSettings, runtime: ServiceRuntime, clock: Clock | None = None
) -> Listening:
    keys = _webhook_keys(settings)
    deps = Deps(
        clock=clock or SystemClock(),
        language=LangidDetector(),
        sentiment=VaderSentiment(),
        secrets=DerivedWebhookSecrets(keys),
        near_copy_window_days=settings.near_copy_window_days,
        max_queries_per_tenant=settings.max_queries_per_tenant,
    )
    return Listening(settings, runtime, deps, keys)
