"""The rules of a service's replica of the publisher's API keys: plain Python, no I/O.

Issues and revocations travel on two topics, read by two consumers: a key's revocation can be
applied before its issue. Events also come again: redeliveries, and a republish
(``publisher republish-api-keys``) re-issues every key. So the rules are order-free: a
revocation, once known, is never undone by an issue arriving later or again; the earliest
revocation time wins.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from newsroom_shared.events.publisher import ApiKeyIssued, ApiKeyRevoked
from newsroom_shared.http.auth import Principal, Scope

_KNOWN_SCOPES = frozenset(scope.value for scope in Scope)


class TenantMismatchError(ValueError):
    """An event names a key id the replica already holds for another tenant."""


@dataclass(frozen=True, slots=True)
class ReplicatedKey:
    """What a consuming service knows of one key. ``secret_hash`` is ``None`` while only its
    revocation is known (then the key can never authenticate)."""

    tenant_id: str
    key_id: str
    scopes: tuple[str, ...] = ()
    secret_hash: str | None = None
    issued_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.secret_hash is not None and self.revoked_at is None

    def principal(self) -> Principal:
        """The caller this key authenticates (scopes this service does not know are ignored)."""
        return Principal(
            tenant_id=self.tenant_id,
            key_id=self.key_id,
            scopes=frozenset(Scope(s) for s in self.scopes if s in _KNOWN_SCOPES),
        )


def _same_tenant(current: ReplicatedKey, tenant_id: str) -> None:
    if current.tenant_id != tenant_id:
        raise TenantMismatchError(
            f"key {current.key_id} belongs to tenant {current.tenant_id}, not {tenant_id}"
        )


def apply_issued(current: ReplicatedKey | None, event: ApiKeyIssued) -> ReplicatedKey:
    """The key as the issue says, keeping a revocation already known."""
    if current is not None:
        _same_tenant(current, event.tenant_id)
    return ReplicatedKey(
        tenant_id=event.tenant_id,
        key_id=event.key_id,
        scopes=tuple(event.scopes),
        secret_hash=event.secret_hash,
        issued_at=event.issued_at,
        revoked_at=None if current is None else current.revoked_at,
    )


def apply_revoked(current: ReplicatedKey | None, event: ApiKeyRevoked) -> ReplicatedKey:
    """The key revoked (at the earliest time heard of); a revocation of an unknown key is kept,
    so its issue, if it comes later, cannot make it active."""
    if current is None:
        return ReplicatedKey(
            tenant_id=event.tenant_id, key_id=event.key_id, revoked_at=event.revoked_at
        )
    _same_tenant(current, event.tenant_id)
    revoked_at = event.revoked_at
    if current.revoked_at is not None:
        revoked_at = min(current.revoked_at, revoked_at)
    return replace(current, revoked_at=revoked_at)
