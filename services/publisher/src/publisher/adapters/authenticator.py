"""The publisher's :class:`~newsroom_shared.http.auth.Authenticator`: staff API keys.

A check costs one argon2 verification (tens of ms of CPU, run off the event loop), so
successful checks are cached in this process for ``ttl_s``, keyed by the SHA-256 of the token
(the token itself is never kept). A revocation clears this process's entries at once; **other
replicas honour it within ``ttl_s``** (``PUBLISHER_API_KEY_CACHE_TTL_S``, default 30 s).

The cache (:class:`VerifiedTokens`) and the token format are shared with the other services,
which authenticate the same keys against their replicas (:mod:`newsroom_shared.auth`).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from newsroom_shared.auth.cache import VerifiedTokens
from newsroom_shared.auth.tokens import token_digest
from newsroom_shared.clock import Clock
from newsroom_shared.http.auth import Principal, Scope
from publisher.adapters.api_key_hashing import Argon2Keys
from publisher.domain.api_key import LAST_USED_RESOLUTION, parse_token
from publisher.service.ports import ApiKeyRepository

__all__ = ["ApiKeyAuthenticator", "VerifiedTokens"]


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
        digest = token_digest(token)
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
