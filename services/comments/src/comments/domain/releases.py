"""The releases this service knows of, from the publisher's events: which newsroom and tenant
each belongs to, and whether it takes comments.

A release opens when published and closes for good when withdrawn (a withdrawal heard before
the publication it follows still wins: the two come on separate topics), or once its
newsroom's period has passed. Events carry the release's version; an older one changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class KnownRelease:
    tenant_id: str
    release_id: str
    newsroom_id: str
    title: str = ""
    url: str = ""
    version: int = 0
    published_at: datetime | None = None
    withdrawn_at: datetime | None = None

    def is_open(self, now: datetime, open_days: int | None) -> bool:
        if self.published_at is None or self.withdrawn_at is not None:
            return False
        closes_at = self.closes_at(open_days)
        return closes_at is None or now < closes_at

    def closes_at(self, open_days: int | None) -> datetime | None:
        """When its newsroom's period ends (None: no period, or not published)."""
        if self.published_at is None or open_days is None:
            return None
        return self.published_at + timedelta(days=open_days)

    @property
    def is_public(self) -> bool:
        """Its thread may be read: published and not withdrawn."""
        return self.published_at is not None and self.withdrawn_at is None


def published(current: KnownRelease | None, fresh: KnownRelease) -> KnownRelease:
    """``fresh`` (from a published or updated event) over ``current``, unless older."""
    if current is None:
        return fresh
    if fresh.version < current.version:
        return current
    return replace(
        fresh,
        published_at=current.published_at or fresh.published_at,
        withdrawn_at=current.withdrawn_at,
    )


def withdrawn(
    current: KnownRelease | None,
    tenant_id: str,
    release_id: str,
    newsroom_id: str,
    at: datetime,
) -> KnownRelease:
    """Closed for good; the earliest withdrawal heard of wins."""
    if current is None:
        return KnownRelease(tenant_id, release_id, newsroom_id, withdrawn_at=at)
    if current.withdrawn_at is not None and current.withdrawn_at <= at:
        return current
    return replace(current, withdrawn_at=at)
