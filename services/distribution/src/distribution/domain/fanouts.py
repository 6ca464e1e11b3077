"""A release's email fan-out, planned a page of subscribers at a time, and the ready queue.

A release to 100,000 subscribers cannot be planned in one transaction: it would run for minutes,
outlive the database's transaction limit, and keep the first email waiting for the last delivery
to be planned. A :class:`FanOut` is the durable plan of one (release event, email channel): it
remembers the last subscriber planned (subscribers go in id order), and each page of up to
:data:`PAGE_SIZE` subscribers is planned in its own transaction, which also advances the fan-out
(optimistically: two workers planning the same page conflict, one of them rolls back). The
release event's own transaction plans the first page, so a small list needs nothing more.

Planned deliveries go to the **ready queue**: pages of delivery ids the worker takes whole,
instead of searching the deliveries collection for due work (a search that costs the local
database a scan of every due delivery, so a large fan-out would cost the square of its size).
A queued delivery is held: its ``next_attempt_at`` is :data:`READY_HOLD` ahead, so the search for
due work (retries, expired leases) does not see it while its page waits. A worker leases whole
pages (see :func:`distribution.service.attempts.claim_ready`); a page leaves the queue when its
deliveries' first outcomes are recorded, and a page whose worker died is taken again after its
lease. If a page ever waited longer than the hold (a worker backlog of half an hour), its
deliveries become due and the search finds them: later, never lost.
Subscribers who confirm while a fan-out runs are planned if their id comes after the page reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from distribution.domain.subscribers import Subscriber
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished

# Subscribers per planning transaction: large enough that a fan-out takes few transactions,
# small enough that one stays well inside the database's transaction time limit.
PAGE_SIZE = 500
# Delivery ids per ready-queue entry: the worker takes whole entries, as many as it has room for.
READY_PAGE = 100
# How long a queued delivery is left to its ready-queue entry before the due search sees it.
READY_HOLD = timedelta(minutes=30)

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
        self,
        page: Sequence[Subscriber],
        planned: int,
        now: datetime,
        page_size: int = PAGE_SIZE,
        *,
        up_to: str | None = None,
    ) -> FanOut:
        """After planning ``page`` (the subscribers read, in id order; ``planned`` deliveries).

        ``up_to``: the page was read up to that id (see :class:`PageEnds`), so it ends there
        even if short (subscribers left since) or empty; without it, a page shorter than
        ``page_size`` was the last."""
        after: str | None
        last = False
        if len(page) >= page_size:
            after = page[-1].id
        elif up_to is not None:
            after = up_to
        else:
            after, last = (page[-1].id if page else self.after), True
        return replace(
            self,
            after=after,
            pages=self.pages + 1,
            planned=self.planned + planned,
            updated_at=now,
            done=last,
            finished_at=now if last else None,
        )

    def closed(self, now: datetime) -> FanOut:
        """Nothing more to plan (the release was withdrawn, the channel removed)."""
        return replace(self, done=True, updated_at=now, finished_at=now)


class PageEnds(Protocol):
    """Where a fan-out's next page ends: the id of its ``page_size``-th confirmed subscriber
    after ``fan_out.after``, or None when fewer are left (the page reads to the end). Asked
    again for the same ``after`` (a transaction run again), it answers the same."""

    async def __call__(self, fan_out: FanOut, page_size: int) -> str | None: ...


def held_until(now: datetime) -> datetime:
    """``next_attempt_at`` of a delivery waiting in the ready queue (see the module docstring)."""
    return now + READY_HOLD
