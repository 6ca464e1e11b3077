"""The order key of outbox entries: insert time in microseconds, strictly increasing per process.

Why a clock-based sequence and not a counter document: a counter shared by all writers would
make every transaction that emits an event conflict on one document. What the relay needs is
commit order *per key* (per aggregate), and writes for one aggregate already serialise in MongoDB:
both transactions update the aggregate's document, the second one conflicts and runs again after
the first commits, so it also inserts its events later. The microsecond clock therefore orders
one key's events by commit, as long as the replicas' clocks agree to within the time between two
conflicting commits of one aggregate (NTP keeps them within milliseconds). Within one process the
sequence never repeats or goes back (a clock step backwards, or several events in the same
microsecond, still get increasing numbers), so the events of one ``Outbox.add`` call keep the
order they were given in.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    # Integer arithmetic: a float timestamp loses microseconds to rounding.
    return (moment - EPOCH) // timedelta(microseconds=1)


class MonotonicSequence:
    """Hands out increasing integers that follow wall-clock microseconds."""

    def __init__(self) -> None:
        self._last = 0
        # Services are asyncio, but a thread-pool caller must not get a duplicate either.
        self._lock = threading.Lock()

    def take(self, moment: datetime, count: int = 1) -> range:
        """``count`` consecutive numbers, the first no smaller than ``moment`` in microseconds."""
        with self._lock:
            first = max(micros(moment), self._last + 1)
            self._last = first + count - 1
        return range(first, first + count)


# One per process: every Outbox in the process shares it, so their entries interleave in order.
SEQUENCE = MonotonicSequence()
