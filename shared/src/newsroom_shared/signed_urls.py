"""Signed, expiring URLs: an HMAC-SHA256 over a path and its expiry, with rotatable keys.

A link that lets someone without an API key fetch one thing for a while (media of a release
not yet public, its press kit). The query carries ``expires`` (Unix seconds) and ``signature``
(URL-safe base64 of HMAC-SHA256 over ``<path>\\n<expires>``). The path is the one the service
routes (without a proxy's prefix), so a signature made by any service for another's path holds
wherever the link is served from.

Keys are a list, newest first, like every other key list here: the newest signs, every listed
key still verifies, so a key rotates without breaking links already handed out (drop the old key
once its longest-lived link has expired).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlencode


class Verdict(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"  # signed by us, but its time is over
    INVALID = "invalid"  # tampered with, or signed with a key we no longer hold
    ABSENT = "absent"  # no signature at all


class UrlSigner:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys or not all(keys):
            raise ValueError("give at least one non-empty signing key")
        self._keys = [key.encode() for key in keys]

    def query(self, path: str, expires_at: datetime) -> str:
        """The query string (without ``?``) that makes ``path`` fetchable until ``expires_at``."""
        expires = str(int(expires_at.timestamp()))
        return urlencode({"expires": expires, "signature": self._mac(self._keys[0], path, expires)})

    def check(
        self, path: str, expires: str | None, signature: str | None, now: datetime
    ) -> Verdict:
        """Whether the query's ``expires`` and ``signature`` let ``path`` be fetched ``now``."""
        if expires is None and signature is None:
            return Verdict.ABSENT
        if not expires or not signature or not expires.isdigit():
            return Verdict.INVALID
        if not any(
            hmac.compare_digest(self._mac(key, path, expires), signature) for key in self._keys
        ):
            return Verdict.INVALID
        # Checked after the signature, so a tampered expiry says "invalid", not "expired".
        return Verdict.VALID if int(expires) > now.timestamp() else Verdict.EXPIRED

    @staticmethod
    def _mac(key: bytes, path: str, expires: str) -> str:
        digest = hmac.new(key, f"{path}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
