"""A lease in MongoDB: at most one live holder per name, for work that must run in one replica.

Expiry is judged by the holders' clocks (``clock``, UTC by default), so replicas' clocks must
agree to well within ``ttl_s``; a holder that stops renewing loses the lease ``ttl_s`` later.
"""

from __future__ import annotations

from datetime import timedelta

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from newsroom_shared.clock import Clock, SystemClock
from newsroom_shared.mongo import Database


class Lease:
    """Collection ``leases``: ``{_id: name, owner, expires_at}``.

    ``acquire()`` takes the lease when it is free or expired, renews it when ``owner`` holds it,
    and answers whether ``owner`` holds it now (one atomic ``find_one_and_update``).
    """

    COLLECTION = "leases"

    def __init__(
        self,
        db: Database,
        name: str,
        owner: str,
        ttl_s: float,
        clock: Clock | None = None,
    ) -> None:
        self._leases = db[self.COLLECTION]
        self.name = name
        self.owner = owner
        self.ttl = timedelta(seconds=ttl_s)
        self._clock = clock or SystemClock()

    async def acquire(self) -> bool:
        now = self._clock.now()
        try:
            # Matches only when we may take it: ours already, or expired. When someone else holds
            # a live lease the filter misses, the upsert tries to insert a second document with
            # the same _id and the unique _id index refuses it: that refusal is the answer "no".
            # Two replicas racing for a free lease end the same way for the loser.
            lease = await self._leases.find_one_and_update(
                {"_id": self.name, "$or": [{"owner": self.owner}, {"expires_at": {"$lte": now}}]},
                {"$set": {"owner": self.owner, "expires_at": now + self.ttl}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            return False
        return lease is not None and lease.get("owner") == self.owner

    async def release(self) -> None:
        """Give the lease up at once (only if ``owner`` holds it), so another replica need not
        wait for it to expire."""
        await self._leases.delete_one({"_id": self.name, "owner": self.owner})
