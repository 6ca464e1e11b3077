"""API key tokens: made from ``secrets``, stored as argon2id hashes (argon2-cffi).

The hash parameters and why they are OWASP's minimum live with the verification every service
shares: :mod:`newsroom_shared.auth.hashing`. Only the publisher mints keys.
"""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher

from newsroom_shared.auth.hashing import TokenHashes
from publisher.domain.api_key import compose_token
from publisher.domain.ids import new_id
from publisher.service.ports import MintedKey

SECRET_BYTES = 32  # 256 bits: guessing is hopeless, argon2 guards against a leaked database


class Argon2Keys:
    """Mints tokens and checks them against stored hashes (see :mod:`newsroom_shared.auth`)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hashes = TokenHashes(hasher)

    async def mint(self) -> MintedKey:
        key_id = new_id()
        token = compose_token(key_id, secrets.token_urlsafe(SECRET_BYTES))
        # Hashing takes tens of milliseconds of CPU: off the event loop.
        secret_hash = await asyncio.to_thread(self._hashes.hash, token)
        return MintedKey(key_id=key_id, token=token, secret_hash=secret_hash)

    def verify(self, secret_hash: str, token: str) -> bool:
        return self._hashes.verify(secret_hash, token)
