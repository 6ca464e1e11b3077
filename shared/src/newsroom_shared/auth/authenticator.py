"""A :class:`~newsroom_shared.http.auth.Authenticator` over the service's replica of the keys.

A check costs one database read and one argon2 verification (tens of ms of CPU, run off the
event loop), so successful checks are cached in this process for ``ttl_s``, keyed by the SHA-256
of the token (the token itself is never kept). A revocation consumed by this process clears its
entries at once; **other replicas of the service honour it within ``ttl_s``**
(``<SERVICE>_API_KEY_CACHE_TTL_S``, default 30 s), plus the event's trip from the publisher.
"""

from __future__ import annotations

import asyncio

from newsroom_shared.auth.cache import VerifiedTokens
from newsroom_shared.auth.hashing import TokenHashes
from newsroom_shared.auth.replica import KeyReplica
from newsroom_shared.auth.tokens import parse_token, token_digest
from newsroom_shared.http.auth import Principal


class ReplicatedKeyAuthenticator:
    def __init__(self, replica: KeyReplica, hashes: TokenHashes, cache: VerifiedTokens) -> None:
        self._replica = replica
        self._hashes = hashes
        self._cache = cache

    async def authenticate(self, token: str) -> Principal | None:
        key_id = parse_token(token)
        if key_id is None:
            return None  # not our token shape: no database read, no hashing
        digest = token_digest(token)
        principal = self._cache.get(digest)
        if principal is None:
            principal = await self._verify(key_id, token)
            if principal is not None:
                self._cache.put(digest, principal)
        return principal

    def forget(self, key_id: str) -> None:
        """The key was revoked: stop trusting cached checks of it in this process now."""
        self._cache.forget(key_id)

    async def _verify(self, key_id: str, token: str) -> Principal | None:
        key = await self._replica.find(key_id)
        if key is None or not key.active or key.secret_hash is None:
            return None
        if not await asyncio.to_thread(self._hashes.verify, key.secret_hash, token):
            return None
        return key.principal()
