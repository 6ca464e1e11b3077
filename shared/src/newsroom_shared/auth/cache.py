"""Successful token checks, cached in one process: an argon2 check costs tens of ms of CPU."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from newsroom_shared.http.auth import Principal

DEFAULT_MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class _Entry:
    principal: Principal
    expires_at: float


class VerifiedTokens:
    """Successful verifications by token digest, with a TTL and a size bound (oldest go first).

    Only a fresh check may :meth:`put`: a cache hit must not extend the TTL, or a key revoked on
    another replica would stay trusted for as long as it keeps being used.

    :meth:`forget` also refuses new entries of the key for one TTL: a consumer forgets a key
    while its revocation is not yet committed, and a check reading the key meanwhile would
    otherwise cache it as valid for a whole TTL.
    """

    def __init__(
        self,
        ttl_s: float,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_s = ttl_s
        self._max_entries = max_entries
        self._monotonic = monotonic
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._forgotten: dict[str, float] = {}  # key id -> until when new entries are refused

    def get(self, digest: str) -> Principal | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if entry.expires_at <= self._monotonic():
            del self._entries[digest]
            return None
        return entry.principal

    def put(self, digest: str, principal: Principal) -> None:
        if self._ttl_s <= 0:
            return
        if self._forgotten and self._refused(principal.key_id):
            return
        self._entries.pop(digest, None)
        while len(self._entries) >= self._max_entries:
            self._entries.popitem(last=False)
        self._entries[digest] = _Entry(principal, self._monotonic() + self._ttl_s)

    def _refused(self, key_id: str) -> bool:
        return self._forgotten.get(key_id, float("-inf")) > self._monotonic()

    def forget(self, key_id: str) -> None:
        """Drop every cached check of ``key_id`` (it was revoked), and cache none for one TTL."""
        now = self._monotonic()
        self._forgotten = {k: until for k, until in self._forgotten.items() if until > now}
        self._forgotten[key_id] = now + self._ttl_s
        for digest in [d for d, e in self._entries.items() if e.principal.key_id == key_id]:
            del self._entries[digest]
