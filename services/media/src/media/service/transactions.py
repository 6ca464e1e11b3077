"""Running a transaction again when it met a concurrent write (a write conflict, or a version
that moved on): the block reads again and decides again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from media.domain.errors import ConcurrentModificationError

T = TypeVar("T")
ATTEMPTS = 5


async def retried(block: Callable[[], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    for _ in range(attempts - 1):
        try:
            return await block()
        except ConcurrentModificationError:
            continue
    return await block()
