"""argon2id hashes of API key tokens (argon2-cffi): made by the publisher, checked everywhere.

The secrets are 256 random bits, not passwords: no hash cost makes guessing one any more
hopeless, so the cost only has to make a leaked hash useless offline, and every request with a
forged token pays it. Hence OWASP's minimum argon2id profile (19 MiB, 2 passes, ~30 ms here)
instead of argon2-cffi's default (64 MiB, 3 passes, ~200 ms here). Hashes carry their
parameters (PHC string), so keys hashed with other ones still verify. Callers cache successful
checks (:class:`~newsroom_shared.auth.cache.VerifiedTokens`).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


def owasp_minimum_hasher() -> PasswordHasher:
    """argon2id with OWASP's minimum parameters: m=19 MiB, t=2, p=1."""
    return PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


class TokenHashes:
    """Hashes tokens and checks them against stored hashes. Both take tens of milliseconds of
    CPU: async callers run them off the event loop (``asyncio.to_thread``)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or owasp_minimum_hasher()

    def hash(self, token: str) -> str:
        """The argon2id PHC string of ``token``."""
        return self._hasher.hash(token)

    def verify(self, secret_hash: str, token: str) -> bool:
        """Whether ``token`` is the one ``secret_hash`` was made from (False for a bad hash)."""
        try:
            return self._hasher.verify(secret_hash, token)
        except (VerificationError, InvalidHashError):
            return False
