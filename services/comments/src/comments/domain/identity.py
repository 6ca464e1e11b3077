"""Who wrote it, without keeping who it is outside this service: keyed SHA-256 digests.

The digest of an email is the contract's ``author_email_hash``: HMAC-SHA-256 under the
service's key of the trimmed, lower-cased address, salted with the tenant so it is stable
within a tenant and says nothing across tenants. A client (its IP address) gets the same
treatment: bans and the moderation queue name clients by digest, never by address.
"""

from __future__ import annotations

import hashlib
import hmac


def email_digest(key: bytes, tenant_id: str, email: str) -> str:
    return _digest(key, tenant_id, "email", email.strip().lower())


def client_digest(key: bytes, tenant_id: str, client: str) -> str:
    return _digest(key, tenant_id, "client", client.strip())


def _digest(key: bytes, tenant_id: str, kind: str, value: str) -> str:
    message = f"{tenant_id}\x00{kind}\x00{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
