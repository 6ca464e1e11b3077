"""API key tokens: made from ``secrets``, stored as argon2id hashes (argon2-cffi)."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from publisher.domain.api_key import compose_token
from publisher.domain.ids import new_id
from publisher.service.ports import MintedKey

SECRET_BYTES = 32  # 256 bits: guessing is hopeless, argon2 guards against a leaked database


class Argon2Keys:
    """Mints tokens and checks them against stored hashes.

    The secrets are 256 random bits, not passwords: no hash cost makes guessing one any more
    hopeless, so the cost only has to make a leaked hash useless offline, and every request
    with a forged token pays it. Hence OWASP's minimum argon2id profile (19 MiB, 2 passes,
    ~30 ms here) instead of argon2-cffi's default (64 MiB, 3 passes, ~200 ms here). Hashes
    carry their parameters, so keys hashed with other ones still verify. Callers also cache
    successful checks.
    """

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)

    async def mint(self) -> MintedKey:
        key_id = new_id()
        token = compose_token(key_id, secrets.token_urlsafe(SECRET_BYTES))
        # Hashing takes tens of milliseconds of CPU: off the event loop.
        secret_hash = await asyncio.to_thread(self._hasher.hash, token)
        return MintedKey(key_id=key_id, token=token, secret_hash=secret_hash)

    def verify(self, secret_hash: str, token: str) -> bool:
        try:
            return self._hasher.verify(secret_hash, token)
        except (VerificationError, InvalidHashError):
            return False
