"""Wiring of the Mastodon sources (part of :mod:`listening.bootstrap`): the token cipher, the
API client, and the followers shared out among replicas by leases."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from listening.adapters.mastodon.client import MastodonClient
from listening.adapters.source_tokens import SourceTokenCipher
from listening.config import ListeningSettings
from listening.domain.mastodon import MastodonSource
from listening.service.mastodon_follow import FollowPolicy, TimelineFollower
from listening.service.mastodon_supervisor import Followers
from listening.service.ports import UnitOfWork
from newsroom_shared.background import BackgroundLoop
from newsroom_shared.clock import Clock
from newsroom_shared.lease import Lease
from newsroom_shared.mongo import Database

LEASE_PREFIX = "listening.mastodon."


class MastodonWiring:
    def __init__(
        self,
        settings: ListeningSettings,
        db: Database,
        owner: str,
        *,
        keys: list[str],
        uow: Callable[[], UnitOfWork],
        reader: Callable[[], UnitOfWork],
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.tokens = SourceTokenCipher(keys)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.mastodon_http_timeout_s),
            follow_redirects=False,
            headers={"User-Agent": "newsroom-listening (+https://newsroom.dev)"},
        )
        self.client = MastodonClient(
            self._http,
            allow_insecure=settings.allow_insecure_urls,
            stream_read_timeout_s=settings.mastodon_stream_read_timeout_s,
        )
        self._uow = uow
        self._clock = clock
        self._policy = FollowPolicy(
            poll_interval_s=settings.mastodon_poll_interval_s,
            stream_retry_s=settings.mastodon_stream_retry_s,
            backoff_initial_s=min(1.0, settings.mastodon_backoff_max_s),
            backoff_max_s=settings.mastodon_backoff_max_s,
        )

        def lease_for(source_id: str) -> Lease:
            return Lease(db, LEASE_PREFIX + source_id, owner, settings.mastodon_lease_ttl_s, clock)

        self.followers = Followers(reader, lease_for, self._follow)
        self.loop = BackgroundLoop(
            "listening-mastodon-followers",
            self.followers.step,
            interval_s=settings.mastodon_lease_ttl_s / 3,
        )
        """Looks at every source a third of a lease's life: renews, takes over, lets go."""

    async def _follow(self, source: MastodonSource) -> None:
        follower = TimelineFollower(
            source,
            uow=self._uow,
            timelines=self.client,
            tokens=self.tokens,
            clock=self._clock,
            policy=self._policy,
        )
        await follower.run()

    def loops(self) -> list[BackgroundLoop]:
        return [self.loop] if self.settings.mastodon_followers_enabled else []

    async def stop(self) -> None:
        """Closes this replica's connections and gives their leases up."""
        await self.followers.stop()
        await self._http.aclose()
