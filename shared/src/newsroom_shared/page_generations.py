"""What this replica knows of each page version, for its rendered-page cache
(:mod:`newsroom_shared.http.page_cache`).

A version counts the changes to a *scope* of pages: a tenant's pages as a whole (the
publisher's newsroom pages: one change moves several of them) or a part of them named by the
service (comments: one release's thread, ``version_key(tenant, "release:<id>")``). A page is
labelled with the versions of the scopes it shows. Two sources raise what a replica knows:
the poll of ``page_versions`` (every replica's writes, within one poll interval) and this
process's own commits (at once). A page rendered here is labelled
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
    """The stored page versions (by key) changed at ``since`` or later."""

    async def changed_since(self, since: datetime) -> dict[str, int]: ...


@dataclass(frozen=True, slots=True)
class Generation:
    """A scope's pages as known here: the stored version and this process's own changes."""

    version: int = 0  # 0: no change seen since this process started
    local: int = 0


Known = Mapping[str, Generation]
# What a page is labelled with: its tenant's generation (the tenant as a whole), or those of
# the parts of the tenant's pages it shows, in the order the route named them.
Label = Generation | tuple[Generation, ...]
_NONE_YET = Generation()


def version_key(tenant_id: str, part: str = "") -> str:
    """The key of a version: the tenant's id for its pages as a whole, else ``tenant/part``
    (a tenant's parts never meet another tenant's)."""
    return f"{tenant_id}/{part}" if part else tenant_id


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
        """What is known now; label a render with ``label(snapshot, ...)`` once it is done."""
        return self._known

    @staticmethod
    def of(known: Known, key: str) -> Generation:
        return known.get(key, _NONE_YET)

    @classmethod
    def label(cls, known: Known, tenant_id: str, parts: tuple[str, ...] = ()) -> Label:
        """A page's label: its tenant's generation, or those of the ``parts`` it shows."""
        if not parts:
            return cls.of(known, tenant_id)
        return tuple(cls.of(known, version_key(tenant_id, part)) for part in parts)

    def current(self, key: str) -> Generation:
        return self.of(self._known, key)

    def fresh(self) -> bool:
        """Whether the poll worked lately enough for cached pages to be trusted."""
        polled_at = self._polled_at
        limit = 3 * self._poll_interval_s + 1.0
        return polled_at is not None and self._monotonic() - polled_at <= limit

    def changed_here(self, keys: set[str]) -> None:
        """This process committed changes to these scopes' pages (``version_key``s)."""
        known = dict(self._known)
        for key in keys:
            now = self.of(known, key)
            known[key] = Generation(now.version, now.local + 1)
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
            key: version for key, version in versions.items() if version > self.current(key).version
        }
        if not moved:
            return
        known = dict(self._known)
        for key, version in moved.items():
            known[key] = Generation(version, self.of(known, key).local)
        self._known = MappingProxyType(known)
