"""Wiring of the Bluesky subscription (part of :mod:`listening.bootstrap`): one Jetstream
connection for the deployment, held by the replica holding its lease."""

from __future__ import annotations

from collections.abc import Callable

from listening.adapters.bluesky.jetstream import JetstreamClient
from listening.config import ListeningSettings
from listening.service.bluesky_subscriber import (
    HeldSubscription,
    JetstreamSubscriber,
    SubscriptionPolicy,
)
from listening.service.ports import UnitOfWork
from newsroom_shared.background import BackgroundLoop
from newsroom_shared.clock import Clock
from newsroom_shared.lease import Lease
from newsroom_shared.mongo import Database

LEASE_NAME = "listening.jetstream"


class BlueskyWiring:
    def __init__(
        self,
        settings: ListeningSettings,
        db: Database,
        owner: str,
        *,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.subscriber = JetstreamSubscriber(
            uow=uow,
            firehose=JetstreamClient(settings.jetstream_endpoint),
            clock=clock,
            policy=SubscriptionPolicy(
                batch_size=settings.jetstream_batch_size,
                flush_s=settings.jetstream_flush_s,
                rewind_s=settings.jetstream_rewind_s,
                backoff_initial_s=min(1.0, settings.jetstream_backoff_max_s),
                backoff_max_s=settings.jetstream_backoff_max_s,
            ),
        )
        lease = Lease(db, LEASE_NAME, owner, settings.jetstream_lease_ttl_s, clock)
        self.held = HeldSubscription(lease, self.subscriber.run)
        self.loop = BackgroundLoop(
            "listening-jetstream",
            self.held.step,
            interval_s=settings.jetstream_lease_ttl_s / 3,
        )

    def loops(self) -> list[BackgroundLoop]:
        return [self.loop] if self.settings.jetstream_enabled else []

    async def stop(self) -> None:
        """Closes the subscription and gives its lease up (another replica takes it at once)."""
        await self.held.stop()
