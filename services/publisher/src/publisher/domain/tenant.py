"""A tenant: one customer organisation; every other record belongs to exactly one tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from publisher.domain import limits
from publisher.domain.ids import new_id
from publisher.domain.values import require_text


@dataclass(slots=True)
class Tenant:
    id: str
    name: str
    created_at: datetime

    @classmethod
    def create(cls, name: str, now: datetime) -> Tenant:
        return cls(
            id=new_id(),
            name=require_text("name", name, max_length=limits.NAME_MAX, required=True),
            created_at=now,
        )
