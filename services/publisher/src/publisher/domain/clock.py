"""Time as the domain sees it: always timezone-aware UTC, at MongoDB's millisecond precision.

Every "now" comes from an injected :class:`Clock`, so tests can move time (``FakeClock``) and the
scheduler's decisions are reproducible.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


def to_ms(moment: datetime) -> datetime:
    """``moment`` in UTC, truncated to milliseconds (what MongoDB stores, so round trips match)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every time in the publisher is timezone-aware")
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return to_ms(datetime.now(UTC))


class FakeClock:
    """A clock that only moves when told to (tests, and demos of scheduling)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = to_ms(start or datetime(2030, 1, 1, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = to_ms(moment)

    def advance(self, delta: timedelta | float) -> datetime:
        """Move forward by ``delta`` (a timedelta or seconds); returns the new time."""
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        self._now = to_ms(self._now + step)
        return self._now
