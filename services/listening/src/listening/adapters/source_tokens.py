"""Access tokens of sources (a Mastodon instance's), encrypted at rest with Fernet.

The Fernet keys are derived from the service keys (``LISTENING_WEBHOOK_SECRET_KEYS``, newest
first) with a purpose label of their own, so one list of keys to keep and rotate serves both
uses without one use's secret being the other's: HMAC-SHA256(service key, label). The newest key
encrypts; every listed key still decrypts, so keys rotate without losing stored tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PURPOSE = b"newsroom listening: source access tokens"


class TokenUnreadableError(ValueError):
    """No key decrypts the stored token (the keys were changed without keeping the old one)."""


class SourceTokenCipher:
    def __init__(self, service_keys: Sequence[str]) -> None:
        if not service_keys:
            raise ValueError("give at least one key")
        self._fernet = MultiFernet([Fernet(_derived(key)) for key in service_keys])

    def __repr__(self) -> str:
        return "SourceTokenCipher(<keys hidden>)"

    def seal(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise TokenUnreadableError("no key decrypts this source's access token") from None


def _derived(service_key: str) -> bytes:
    digest = hmac.new(service_key.encode(), PURPOSE, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest)
