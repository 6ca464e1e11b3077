"""Channel credentials encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

``MultiFernet``: the first key encrypts, every key decrypts, so a new key is put first and old
ciphertexts keep working until :meth:`CredentialCipher.rotate` re-encrypts them. The cipher never
logs and its repr shows no key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class CredentialsUnreadableError(Exception):
    """Stored credentials that no configured key decrypts (a key was dropped too early)."""


def new_key() -> str:
    return Fernet.generate_key().decode()


class CredentialCipher:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("give at least one Fernet key")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def __repr__(self) -> str:
        return "CredentialCipher(<keys hidden>)"

    def encrypt(self, secrets: Mapping[str, str]) -> str:
        """The secrets as one token (JSON inside, so a config's secrets travel together)."""
        return self._fernet.encrypt(json.dumps(dict(secrets)).encode()).decode()

    def decrypt(self, token: str) -> dict[str, str]:
        try:
            plain = self._fernet.decrypt(token.encode())
        except InvalidToken:
            raise CredentialsUnreadableError("no key decrypts these credentials") from None
        secrets: dict[str, str] = json.loads(plain)
        return secrets

    def rotate(self, token: str) -> str:
        """The same secrets encrypted with the newest key."""
        return self._fernet.rotate(token.encode()).decode()
