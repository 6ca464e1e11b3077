"""Running a command in a transaction, again when it lost a race with another writer (two
tenants changing queries at once both raise the one query version)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from listening.domain.errors import ConcurrentModificationError
from listening.service.ports import UnitOfWork

T = TypeVar("T")
ATTEMPTS = 5


async def atomically(uow: UnitOfWork, command: Callable[[], Awaitable[T]]) -> T:
    """Run ``command`` inside ``async with uow``; on a write conflict, run it again from
    scratch (every attempt re-reads what it needs)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with uow:
                return await command()
        except ConcurrentModificationError:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")
