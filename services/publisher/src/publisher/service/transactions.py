"""Running a command in a transaction, again when it lost a race with another writer."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from publisher.domain.errors import ConcurrentModificationError
from publisher.service.ports import UnitOfWork

T = TypeVar("T")
ATTEMPTS = 5

logger = logging.getLogger(__name__)


async def atomically(uow: UnitOfWork, command: Callable[[], Awaitable[T]]) -> T:
    """Run ``command`` inside ``async with uow``; on a write conflict, run it again from scratch.

    Every attempt re-reads what it needs, so a retry sees the winner's change (and an
    ``If-Match`` that was valid at the first read now fails with 412, as it should).
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with uow:
                return await command()
        except ConcurrentModificationError:
            if not uow.retryable or attempt == ATTEMPTS:
                raise
            logger.debug("write conflict, retrying", extra={"attempt": attempt})
    raise AssertionError("unreachable")
