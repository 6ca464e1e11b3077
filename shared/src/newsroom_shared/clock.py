"""Time as every service sees it: timezone-aware UTC, at MongoDB's millisecond precision.

Every "now" comes from an injected :class:`Clock`, so tests can move time (the testing
package's ``FakeClock``) and decisions that depend on time are reproducible. Plain Python: the
domain of every service may import it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


def to_ms(moment: datetime) -> datetime:
    """``moment`` in UTC, truncated to milliseconds (what MongoDB stores, so round trips match)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every time in the newsroom is timezone-aware")
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return to_ms(datetime.now(UTC))
