"""A clock that only moves when told to (tests, and demos of scheduling)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsroom_shared.clock import to_ms


class FakeClock:
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
