"""Running a command in a transaction, again when it lost a race with another writer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from comments.domain.errors import ConcurrentModificationError
from comments.service.ports import UnitOfWork

T = TypeVar("T")
ATTEMPTS = 5


async def atomically(uow: UnitOfWork, command: Callable[[], Awaitable[T]]) -> T:
    """Run ``command`` inside ``async with uow``; on a write conflict, run it again from scratch
    (every attempt re-reads what it needs, so a retry sees the winner's change)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with uow:
                return await command()
        except ConcurrentModificationError:
            if not uow.retryable or attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")
