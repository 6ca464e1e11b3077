"""Bodies of the feed sources API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from listening.domain.feeds import Feed, FeedKind


class FeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=1,
        max_length=2000,
        description="The feed's https URL (RSS or Atom); internal addresses are refused",
    )
    name: str | None = Field(default=None, max_length=200)


class FeedOut(BaseModel):
    id: str
    url: str
    name: str | None
    created_at: datetime
    status: Literal["active", "disabled"]
    kind: FeedKind | None = Field(description="What the last successful fetch found")
    last_fetched_at: datetime | None
    last_error: str | None = Field(description="The last failure's reason (kept after a success)")
    last_error_at: datetime | None
    consecutive_failures: int = Field(description="0 when the last fetch succeeded")
    next_poll_at: datetime | None = Field(description="None once disabled")
    disabled_reason: str | None = Field(description="Why polling stopped (a 410, repeated 404s)")

    @classmethod
    def of(cls, feed: Feed) -> FeedOut:
        return cls(
            id=feed.id,
            url=feed.url,
            name=feed.name,
            created_at=feed.created_at,
            status="disabled" if feed.disabled else "active",
            kind=feed.kind,
            last_fetched_at=feed.last_fetched_at,
            last_error=feed.last_error,
            last_error_at=feed.last_error_at,
            consecutive_failures=feed.consecutive_failures,
            next_poll_at=feed.next_poll_at,
            disabled_reason=feed.disabled_reason,
        )
