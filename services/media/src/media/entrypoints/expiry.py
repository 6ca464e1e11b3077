"""The sweep of resumable uploads: a background loop in every replica, of which only the one
holding the shared lease sweeps (``newsroom_shared.lease``), so replicas do not race over the
same uploads; if it dies, another takes the lease once it expires. A pass makes the items of
uploads whose last byte came but whose maker died, then deletes expired uploads' bytes."""

from __future__ import annotations

from media.bootstrap import Media
from media.service.resumable_end import sweep_expired, take_stalled
from newsroom_shared.background import BackgroundLoop
from newsroom_shared.lease import Lease

LEASE_NAME = "media.resumable-expiry"
BATCH = 200


class ResumableExpiry:
    def __init__(self, media: Media, *, interval_s: float) -> None:
        self._media = media
        self.lease = Lease(
            media.runtime.db,
            LEASE_NAME,
            media.runtime.instance,
            ttl_s=interval_s * 3,  # outlives a missed pass or two, not a dead replica for long
            clock=media.deps.clock,
        )
        self.loop = BackgroundLoop("media.resumable_expiry", self.step, interval_s=interval_s)

    async def step(self) -> int:
        """One pass if this replica holds the lease; how many uploads it swept."""
        if not await self.lease.acquire():
            return 0
        media = self._media
        done = await take_stalled(media.uow(), media.deps, limit=BATCH)
        if done:
            media.doorbell.ring()  # their items wait for renditions
        while found := await sweep_expired(media.uow(), media.deps, limit=BATCH):
            done += found
            if found < BATCH:
                break
        return done
