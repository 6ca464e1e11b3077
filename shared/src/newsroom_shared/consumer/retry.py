"""How long to wait between attempts: exponential backoff with jitter.

The retry loops themselves live where the failures are understood (:mod:`.batch` for applying
events, :mod:`.dead_letters` for producing them): a generic decorator such as tenacity's retries
one call, while the batch loop must also drop an event on ``PermanentError`` without counting an
attempt, count attempts per event for the dead-letter header, and split the batch when retries
run out. What they share is this policy.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from newsroom_shared.config import ServiceSettings


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``max_attempts`` tries in all, sleeping ``delay(n)`` after the n-th failure."""

    max_attempts: int
    initial_s: float
    max_s: float

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> RetryPolicy:
        return cls(
            max_attempts=max(1, settings.retry_max_attempts),
            initial_s=settings.retry_backoff_initial_s,
            max_s=settings.retry_backoff_max_s,
        )

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failed attempts (1, 2, ...).

        "Equal jitter": half the exponential step is fixed, half random, so replicas that failed
        together (a database blip) do not retry in lockstep, yet nobody retries at once.
        """
        ceiling = min(self.max_s, self.initial_s * 2.0 ** max(0, failures - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)
