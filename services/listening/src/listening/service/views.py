"""A page of results and whether more follow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Slice(Generic[T]):
    items: list[T]
    more: bool

    @classmethod
    def of(cls, rows: Sequence[T], limit: int) -> Slice[T]:
        """``rows`` fetched with ``limit + 1``: the extra row only says that more follow."""
        return cls(list(rows[:limit]), len(rows) > limit)
