"""A release's email fan-out, planned a page of subscribers at a time.

A release to 100,000 subscribers cannot be planned in one transaction: it would run for minutes,
outlive the database's transaction limit, and keep the first email waiting for the last delivery
to be planned. A :class:`FanOut` is the durable plan of one (release event, email channel): it
remembers the last subscriber planned (subscribers go in id order), and each page of up to
``page_size`` subscribers is planned in its own transaction, which also advances the fan-out
(optimistically: two workers planning the same page conflict, one of them rolls back). The
release event's own transaction plans the first page, so a small list needs nothing more.

Planned deliveries are plain pending deliveries, due at once: the worker finds them as it finds
every due delivery (see :mod:`distribution.service.attempts`). Subscribers who confirm while a
fan-out runs are planned if their id comes after the page it has reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from distribution.domain.subscribers import Subscriber
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished

# Subscribers per planning transaction by default (``DISTRIBUTION_FAN_OUT_PAGE_SIZE``): large
# enough that a fan-out takes few transactions (each about eight commands), small enough that
# one stays well inside the database's transaction time limit (1,000 inserts of under 1 kB).
PAGE_SIZE = 1000


class FanOutMovedError(Exception):
    """Another transaction planned this page first (two workers on one fan-out): roll back."""


ReleaseEvent = ReleasePublished | ReleaseEmbargoed
_EVENT_TYPES: dict[str, type[ReleaseEvent]] = {
    ReleasePublished.ce_type: ReleasePublished,
    ReleaseEmbargoed.ce_type: ReleaseEmbargoed,
}


def fan_out_id(event_type: str, release_id: str, channel_id: str) -> str:
    """One fan-out per (event type, release, channel): the embargo preview and the lift each
    have theirs; a redelivered event finds its fan-out already there."""
    return f"{event_type}\x1f{release_id}\x1f{channel_id}"


@dataclass(frozen=True, slots=True)
class FanOut:
    id: str
    tenant_id: str
    release_id: str
    newsroom_id: str
    channel_id: str
    event_type: str
    # The release event as JSON: each page is planned from it, as the first one was.
    event: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    # The last subscriber id planned (None: none yet).
    after: str | None = None
    pages: int = 0
    planned: int = 0
    done: bool = False
    finished_at: datetime | None = None

    @classmethod
    def start(cls, event: ReleaseEvent, channel_id: str, now: datetime) -> FanOut:
        return cls(
            id=fan_out_id(event.ce_type, event.release_id, channel_id),
            tenant_id=event.tenant_id,
            release_id=event.release_id,
            newsroom_id=event.newsroom_id,
            channel_id=channel_id,
            event_type=event.ce_type,
            event=event.model_dump(mode="json"),
            created_at=now,
            updated_at=now,
        )

    def release_event(self) -> ReleaseEvent:
        return _EVENT_TYPES[self.event_type].model_validate(self.event)

    def advanced(
        self, page: Sequence[Subscriber], planned: int, now: datetime, page_size: int
    ) -> FanOut:
        """After planning ``page`` (the subscribers read, in id order; ``planned`` deliveries):
        a page shorter than ``page_size`` was the last."""
        last = len(page) < page_size
        return replace(
            self,
            after=page[-1].id if page else self.after,
            pages=self.pages + 1,
            planned=self.planned + planned,
            updated_at=now,
            done=last,
            finished_at=now if last else None,
        )

    def closed(self, now: datetime) -> FanOut:
        """Nothing more to plan (the release was withdrawn, the channel removed)."""
        return replace(self, done=True, updated_at=now, finished_at=now)
