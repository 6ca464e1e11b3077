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
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from limits import RateLimitItemPerMinute
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter
from pymongo import ReturnDocument, UpdateOne
from pymongo.errors import PyMongoError

from newsroom_shared.mongo import Database

logger = logging.getLogger(__name__)

COLLECTION = "rate_limits"


@dataclass(frozen=True, slots=True)
class Window:
    """A key's fixed window: the hits counted in it, and when it ends."""

    count: int
    ends_at: datetime


def _counted(amount: int, expiry: int) -> list[dict[str, Any]]:
    """The update that counts ``amount`` hits: in the key's window, or in a new one of
    ``expiry`` seconds once it ended."""
    now = datetime.now(UTC)
    # A missing expireAt (a new key) sorts before any date: expired too.
    expired = {"$lt": ["$expireAt", now]}
    ends = now + timedelta(seconds=expiry)
    return [
        {
            "$set": {
                "count": {"$cond": [expired, amount, {"$add": ["$count", amount]}]},
                "expireAt": {"$cond": [expired, ends, "$expireAt"]},
            }
        }
    ]


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
        counter = await self._counters.find_one_and_update(
            {"_id": key},
            _counted(amount, expiry),
            upsert=True,
            projection={"count": True},
            return_document=ReturnDocument.AFTER,
        )
        assert counter is not None  # an upsert returning the document after it
        return int(counter["count"])

    async def incr_all(self, amounts: Mapping[str, int], expiry: int) -> dict[str, Window]:
        """:meth:`incr` of several keys in two commands (one bulk write, one read), whatever
        their number; each key's window as it is after them. Not atomic across the two: a hit
        of another replica in between is counted in what is read (never one less)."""
        if not amounts:
            return {}
        await self._counters.bulk_write(
            [
                UpdateOne({"_id": key}, _counted(amount, expiry), upsert=True)
                for key, amount in amounts.items()
            ],
            ordered=False,
        )
        found = self._counters.find({"_id": {"$in": list(amounts)}})
        return {c["_id"]: Window(int(c["count"]), c["expireAt"]) async for c in found}

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
        return _wait_until(reset_at)

    async def take_all(self, keys: Sequence[str], per_minute: int) -> list[float]:
        """:meth:`take` for each of ``keys`` (a key may come several times: counted that many
        times, the earlier ones first), in two commands for all of them: what a group commit
        of many requests pays once."""
        item = RateLimitItemPerMinute(per_minute)
        amounts = Counter(item.key_for(key) for key in keys)
        try:
            windows = await self._storage.incr_all(amounts, item.get_expiry())
        except PyMongoError as error:
            logger.warning("rate limit store unavailable, requests let through: %s", error)
            return [0.0] * len(keys)
        seen: Counter[str] = Counter()
        waits = []
        for key in keys:
            stored = item.key_for(key)
            seen[stored] += 1
            window = windows.get(stored)
            if window is None:  # the counter expired and was removed in between: a new window
                waits.append(0.0)
                continue
            # This hit's place in the window: those counted before this batch's, then this
            # batch's in order.
            count = window.count - amounts[stored] + seen[stored]
            waits.append(0.0 if count <= item.amount else _wait_until(window.ends_at.timestamp()))
        return waits


def _wait_until(reset_at: float) -> float:
    return max(1.0, math.ceil(reset_at - time.time()))
