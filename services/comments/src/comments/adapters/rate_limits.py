"""The per-email limit on comments: the shared per-minute window every replica counts in."""

from __future__ import annotations

from newsroom_shared.http.shared_limits import SharedRateLimits


class SharedEmailRateLimit:
    def __init__(self, limits: SharedRateLimits, per_minute: int) -> None:
        self._limits = limits
        self._per_minute = per_minute

    async def take(self, key: str) -> float:
        return await self._limits.take(f"comment-email {key}", self._per_minute)
