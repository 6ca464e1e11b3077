"""Staff API keys: ``nrk_<key_id>_<secret>``; we keep only a hash of the whole token.

The token format is shared (``newsroom_shared.auth.tokens``): every service reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsroom_shared.auth.tokens import TOKEN_PREFIX, compose_token, parse_token
from publisher.domain import limits
from publisher.domain.errors import InvalidInputError
from publisher.domain.values import require_text

__all__ = ["TOKEN_PREFIX", "ApiKey", "compose_token", "parse_token", "require_scopes"]

SCOPES = ("viewer", "editor", "admin")  # each includes the ones before it
# How often last_used_at is written at most: a busy key must not cost a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def require_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = set(scopes)
    unknown = chosen - set(SCOPES)
    if unknown:
        raise InvalidInputError(
            "scopes", f"unknown scopes {sorted(unknown)}; known: {list(SCOPES)}"
        )
    if not chosen:
        raise InvalidInputError("scopes", "give at least one scope")
    return [scope for scope in SCOPES if scope in chosen]


@dataclass(slots=True)
class ApiKey:
    id: str
    tenant_id: str
    name: str
    scopes: list[str]
    secret_hash: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @classmethod
    def create(
        cls,
        *,
        key_id: str,
        tenant_id: str,
        name: str,
        scopes: Iterable[str],
        secret_hash: str,
        now: datetime,
        created_by: str,
    ) -> ApiKey:
        return cls(
            id=key_id,
            tenant_id=tenant_id,
            name=require_text("name", name, max_length=limits.API_KEY_NAME_MAX, required=True),
            scopes=require_scopes(scopes),
            secret_hash=secret_hash,
            created_at=now,
            created_by=created_by,
        )

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.scopes

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now

    def last_use_is_stale(self, now: datetime) -> bool:
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION
