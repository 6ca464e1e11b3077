"""The per-email limit on comments: the shared per-minute window every replica counts in."""

from __future__ import annotations

from collections.abc import Sequence

from newsroom_shared.http.shared_limits import SharedRateLimits


class SharedEmailRateLimit:
    def __init__(self, limits: SharedRateLimits, per_minute: int) -> None:
        self._limits = limits
        self._per_minute = per_minute

    async def take_all(self, keys: Sequence[str]) -> list[float]:
        return await self._limits.take_all([f"comment-email {k}" for k in keys], self._per_minute)
