"""The publisher's :class:`~newsroom_shared.http.auth.Authenticator`: staff API keys.

A check costs one argon2 verification (tens of ms of CPU, run off the event loop), so
successful checks are cached in this process for ``ttl_s``, keyed by the SHA-256 of the token
(the token itself is never kept). A revocation clears this process's entries at once; **other
replicas honour it within ``ttl_s``** (``PUBLISHER_API_KEY_CACHE_TTL_S``, default 30 s).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from newsroom_shared.http.auth import Principal, Scope
from publisher.adapters.api_key_hashing import Argon2Keys
from publisher.domain.api_key import LAST_USED_RESOLUTION, parse_token
from publisher.domain.clock import Clock
from publisher.service.ports import ApiKeyRepository


@dataclass(frozen=True, slots=True)
class _Entry:
    principal: Principal
    expires_at: float


class VerifiedTokens:
    """Successful verifications by token digest, with a TTL and a size bound (oldest go first)."""

    def __init__(
        self, ttl_s: float, max_entries: int, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl_s = ttl_s
        self._max_entries = max_entries
        self._monotonic = monotonic
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

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
        self._entries.pop(digest, None)
        while len(self._entries) >= self._max_entries:
            self._entries.popitem(last=False)
        self._entries[digest] = _Entry(principal, self._monotonic() + self._ttl_s)

    def forget(self, key_id: str) -> None:
        for digest in [d for d, e in self._entries.items() if e.principal.key_id == key_id]:
            del self._entries[digest]


class ApiKeyAuthenticator:
    def __init__(
        self,
        api_keys: ApiKeyRepository,
        keys: Argon2Keys,
        clock: Clock,
        cache: VerifiedTokens,
    ) -> None:
        self._api_keys = api_keys
        self._keys = keys
        self._clock = clock
        self._cache = cache
        self._recorded: dict[str, datetime] = {}

    async def authenticate(self, token: str) -> Principal | None:
        key_id = parse_token(token)
        if key_id is None:
            return None  # not our token shape: no database read, no hashing
        digest = hashlib.sha256(token.encode()).hexdigest()
        principal = self._cache.get(digest)
        if principal is None:
            principal = await self._verify(key_id, token)
            if principal is None:
                return None
            # Only a fresh check starts a TTL: a cache hit must not extend it, or a key revoked
            # on another replica would stay trusted for as long as it keeps being used.
            self._cache.put(digest, principal)
        await self._record_use(principal)
        return principal

    def forget(self, key_id: str) -> None:
        """This process revoked the key: stop trusting cached checks of it now."""
        self._cache.forget(key_id)
        self._recorded.pop(key_id, None)

    async def _verify(self, key_id: str, token: str) -> Principal | None:
        key = await self._api_keys.find(key_id)
        if key is None or not key.active:
            return None
        if not await asyncio.to_thread(self._keys.verify, key.secret_hash, token):
            return None
        return Principal(
            tenant_id=key.tenant_id,
            key_id=key.id,
            scopes=frozenset(Scope(scope) for scope in key.scopes),
        )

    async def _record_use(self, principal: Principal) -> None:
        """``last_used_at``, written at most once a minute per key from this process."""
        now = self._clock.now()
        last = self._recorded.get(principal.key_id)
        if last is not None and now - last < LAST_USED_RESOLUTION:
            return
        self._recorded[principal.key_id] = now
        await self._api_keys.record_use(principal.tenant_id, principal.key_id, now)
