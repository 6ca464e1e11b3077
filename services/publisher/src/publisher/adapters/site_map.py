"""This replica's map of the newsrooms that have their own domain, host -> newsroom.

Every page request consults it (to serve a domain, or to redirect ``/<slug>/`` to one), so it
is held in memory and read again from the database (one indexed query over the newsrooms that
have a domain) when it is older than ``ttl_s`` (``PUBLISHER_SITE_MAP_TTL_S``): a request costs
no lookup, a replica one query per TTL. Staleness ends there: a domain set, changed or removed
applies at once on the replica that made the change (``forget``) and within ``ttl_s`` on the
others. If a reload fails the last map stays in use, so a database hiccup does not take down
the pages of every domain.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from newsroom_shared.clock import Clock
from publisher.service.ports import Site

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SiteMap:
    by_domain: Mapping[str, Site] = field(default_factory=dict)
    by_slug: Mapping[str, Site] = field(default_factory=dict)

    @classmethod
    def of(cls, sites: list[Site]) -> SiteMap:
        return cls({s.domain: s for s in sites}, {s.slug: s for s in sites})


class SiteDirectory:
    def __init__(
        self, load: Callable[[], Awaitable[list[Site]]], clock: Clock, ttl_s: float
    ) -> None:
        self._load = load
        self._clock = clock
        self._ttl_s = ttl_s
        self._map: SiteMap | None = None
        self._loaded_at: datetime | None = None
        self._lock = asyncio.Lock()

    def _fresh(self) -> bool:
        if self._loaded_at is None:
            return False
        return (self._clock.now() - self._loaded_at).total_seconds() < self._ttl_s

    async def current(self) -> SiteMap:
        if self._map is not None and self._fresh():
            return self._map
        async with self._lock:  # one reload at a time; the others wait for it and use it
            found = self._map
            if found is None or not self._fresh():
                found = await self._reloaded(found)
                self._map, self._loaded_at = found, self._clock.now()
            return found

    async def _reloaded(self, last: SiteMap | None) -> SiteMap:
        try:
            return SiteMap.of(await self._load())
        except Exception:
            if last is None:
                raise
            logger.warning("reloading the newsrooms' domains failed; the last map stays in use")
            return last

    def forget(self) -> None:
        """A domain changed here: the next request reads the map again."""
        self._loaded_at = None
