"""What every visitor's request reads first, kept a few seconds in this process.

Every post, reaction, report and thread page first finds the release (whose is it, is it
open); every post also reads its newsroom's settings, and its newsroom (the name and language
of the author's email). Both change rarely and are the same for
every request on the release: served from here, each saves a database round trip per request.
The price is a bound on staleness across replicas: a change made or consumed by another
replica (new settings, a withdrawal) is seen here within the TTL, as a revoked staff key is.
Changes this process writes drop the entry at once. A TTL of 0 turns the cache off.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from cachetools import TTLCache

from comments.domain.newsrooms import KnownNewsroom
from comments.domain.releases import KnownRelease
from comments.domain.settings import CommentSettings

V = TypeVar("V")
MAX_ENTRIES = 10_000


class ReadCache(Generic[V]):
    def __init__(
        self,
        ttl_s: float,
        max_entries: int = MAX_ENTRIES,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: TTLCache[Hashable, tuple[V | None]] | None = (
            TTLCache(maxsize=max_entries, ttl=ttl_s, timer=timer) if ttl_s > 0 else None
        )

    def get(self, key: Hashable) -> tuple[V | None] | None:
        """``(value,)`` when cached (a cached ``None`` means known absent), else ``None``."""
        return None if self._entries is None else self._entries.get(key)

    def put(self, key: Hashable, value: V | None) -> None:
        if self._entries is not None:
            self._entries[key] = (value,)

    def drop(self, key: Hashable) -> None:
        if self._entries is not None:
            self._entries.pop(key, None)


@dataclass(frozen=True)
class ReadCaches:
    releases: ReadCache[KnownRelease]
    settings: ReadCache[CommentSettings]
    newsrooms: ReadCache[KnownNewsroom]

    @classmethod
    def of(cls, ttl_s: float) -> ReadCaches:
        return cls(ReadCache(ttl_s), ReadCache(ttl_s), ReadCache(ttl_s))

    @classmethod
    def off(cls) -> ReadCaches:
        return cls.of(0)
