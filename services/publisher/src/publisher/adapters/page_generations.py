"""What this replica knows of each tenant's page version, for its rendered-page cache.

Two sources raise what it knows: the poll of ``page_versions`` (every replica's writes, within
one poll interval) and this process's own commits (at once). A page rendered here is labelled
with what was known *before* its data were read; it stays good while that label is still
current. A change committed during the render therefore always outdates it.

If the poll stops succeeding, nothing is served from the cache (``fresh``): a replica cut off
from the database must not serve its pages however old they get.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Protocol

Monotonic = Callable[[], float]


class VersionsSince(Protocol):
    """The stored page versions of the tenants changed at ``since`` or later."""

    async def changed_since(self, since: datetime) -> dict[str, int]: ...


@dataclass(frozen=True, slots=True)
class Generation:
    """A tenant's pages as known here: the stored version and this process's own changes."""

    version: int = 0  # 0: no change seen since this process started
    local: int = 0


Known = Mapping[str, Generation]
_NONE_YET = Generation()


class PageGenerations:
    def __init__(
        self,
        versions: VersionsSince,
        *,
        poll_interval_s: float,
        overlap_s: float,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self._versions = versions
        self._poll_interval_s = poll_interval_s
        self._overlap = timedelta(seconds=overlap_s)
        self._monotonic = monotonic
        # Replaced whole, never changed in place: a request keeps the one it started with.
        self._known: Known = MappingProxyType({})
        self._polled_at: float | None = None  # monotonic time of the last good poll
        self._polled_since: datetime | None = None  # wall-clock start of the last good poll

    def snapshot(self) -> Known:
        """What is known now; label a render with ``of(snapshot, tenant)`` once it is done."""
        return self._known

    @staticmethod
    def of(known: Known, tenant_id: str) -> Generation:
        return known.get(tenant_id, _NONE_YET)

    def current(self, tenant_id: str) -> Generation:
        return self.of(self._known, tenant_id)

    def fresh(self) -> bool:
        """Whether the poll worked lately enough for cached pages to be trusted."""
        polled_at = self._polled_at
        limit = 3 * self._poll_interval_s + 1.0
        return polled_at is not None and self._monotonic() - polled_at <= limit

    def changed_here(self, tenant_ids: set[str]) -> None:
        """This process committed changes to these tenants' pages."""
        known = dict(self._known)
        for tenant_id in tenant_ids:
            now = self.of(known, tenant_id)
            known[tenant_id] = Generation(now.version, now.local + 1)
        self._known = MappingProxyType(known)

    async def poll(self) -> int:
        """One pass of the background loop: learn the versions changed lately (by any replica).

        Lately: since the last good poll's start (however long ago: after an outage too) less
        ``overlap_s``, which covers a transaction that stamped its ``changed_at`` before that
        poll but committed after it (MongoDB aborts transactions older than 60 s by default)
        and clock skew to the database server.
        """
        started, started_at = self._monotonic(), datetime.now(UTC)
        found = await self._versions.changed_since(
            (self._polled_since or started_at) - self._overlap
        )
        self._learn(found)
        self._polled_at, self._polled_since = started, started_at
        return 0  # never "work to do at once": the loop waits its interval

    def _learn(self, versions: Mapping[str, int]) -> None:
        moved = {
            tenant_id: version
            for tenant_id, version in versions.items()
            if version > self.current(tenant_id).version
        }
        if not moved:
            return
        known = dict(self._known)
        for tenant_id, version in moved.items():
            known[tenant_id] = Generation(version, self.of(known, tenant_id).local)
        self._known = MappingProxyType(known)
