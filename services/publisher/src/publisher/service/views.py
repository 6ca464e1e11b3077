"""What use cases return: domain objects plus the context the API needs to present them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from publisher.domain.api_key import ApiKey
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.domain.tenant import Tenant

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Slice(Generic[T]):
    """One page of a listing; ``more`` says whether another page follows."""

    items: list[T]
    more: bool

    @classmethod
    def of(cls, rows: list[T], limit: int) -> Slice[T]:
        """From ``limit + 1`` fetched rows: the extra row only tells that more exist."""
        return cls(items=rows[:limit], more=len(rows) > limit)


@dataclass(frozen=True, slots=True)
class ReleaseView:
    release: Release
    newsroom: Newsroom


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just created: the only moment its token is known."""

    key: ApiKey
    token: str


@dataclass(frozen=True, slots=True)
class NewTenant:
    tenant: Tenant
    admin_key: NewKey
