"""Rate limits that hold across replicas: counted in the service's own MongoDB database.

The algorithm is the ``limits`` library's fixed window (one counter per client, route and
window); this module gives it a storage on PyMongo's async API, the project's driver (``limits``
ships a MongoDB storage on motor, which MongoDB has deprecated). One counter update per request,
a single atomic ``find_one_and_update``. Windows are judged by the replicas' clocks (as the lease
is): a skew of a second moves a window's end by that much, which a rate limit can live with. A
TTL index drops expired counters.

A store that cannot be reached fails open (the request is served and a warning logged): a
database hiccup must not take the public pages down with it; the in-process token bucket in front
(:mod:`newsroom_shared.http.ratelimit`) still caps each replica.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from limits import RateLimitItemPerMinute
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter
from pymongo import ReturnDocument
from pymongo.errors import PyMongoError

from newsroom_shared.mongo import Database

logger = logging.getLogger(__name__)

COLLECTION = "rate_limits"


class MongoWindowStorage(Storage):
    """The counters of fixed windows, one document per key: ``{_id, count, expireAt}``."""

    STORAGE_SCHEME = None  # built with a database handle, never from a URI

    def __init__(self, db: Database, collection: str = COLLECTION) -> None:
        super().__init__()
        self._counters = db[collection]

    @property
    def base_exceptions(self) -> type[Exception]:
        return PyMongoError

    async def ensure_indexes(self) -> None:
        await self._counters.create_index("expireAt", expireAfterSeconds=0)

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = datetime.now(UTC)
        # A missing expireAt (a new key) sorts before any date: expired too.
        expired = {"$lt": ["$expireAt", now]}
        ends = now + timedelta(seconds=expiry)
        counter = await self._counters.find_one_and_update(
            {"_id": key},
            [
                {
                    "$set": {
                        "count": {"$cond": [expired, amount, {"$add": ["$count", amount]}]},
                        "expireAt": {"$cond": [expired, ends, "$expireAt"]},
                    }
                }
            ],
            upsert=True,
            projection={"count": True},
            return_document=ReturnDocument.AFTER,
        )
        assert counter is not None  # an upsert returning the document after it
        return int(counter["count"])

    async def get(self, key: str) -> int:
        counter = await self._live(key)
        return int(counter["count"]) if counter else 0

    async def get_expiry(self, key: str) -> float:
        counter = await self._live(key)
        return counter["expireAt"].timestamp() if counter else time.time()

    async def check(self) -> bool:
        try:
            await self._counters.database.command("ping")
        except PyMongoError:
            return False
        return True

    async def reset(self) -> int | None:
        return (await self._counters.delete_many({})).deleted_count

    async def clear(self, key: str) -> None:
        await self._counters.delete_one({"_id": key})

    async def _live(self, key: str) -> dict[str, Any] | None:
        return await self._counters.find_one({"_id": key, "expireAt": {"$gte": datetime.now(UTC)}})


class SharedRateLimits:
    """Per-minute limits shared by every replica of a service (see the module's docstring)."""

    def __init__(self, db: Database) -> None:
        self._storage = MongoWindowStorage(db)
        self._limiter = FixedWindowRateLimiter(self._storage)

    async def ensure_indexes(self) -> None:
        await self._storage.ensure_indexes()

    async def take(self, key: str, per_minute: int) -> float:
        """Count one request for ``key``: 0.0 when within ``per_minute``, else the seconds until
        the window ends."""
        item = RateLimitItemPerMinute(per_minute)
        try:
            if await self._limiter.hit(item, key):
                return 0.0
            reset_at = (await self._limiter.get_window_stats(item, key)).reset_time
        except PyMongoError as error:
            logger.warning("rate limit store unavailable, request let through: %s", error)
            return 0.0
        return max(1.0, math.ceil(reset_at - time.time()))
