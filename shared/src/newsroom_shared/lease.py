"""A lease in MongoDB: at most one live holder per name, for work that must run in one replica.

INTERFACE STUB (to be implemented): see the docstrings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from newsroom_shared.mongo import Database


class Lease:
    """Collection ``leases``: ``{_id: name, owner, expires_at}``.

    ``acquire()`` takes the lease when it is free or expired, renews it when ``owner`` holds it,
    and answers whether ``owner`` holds it now (one atomic ``find_one_and_update``).
    """

    COLLECTION = "leases"

    def __init__(
        self,
        db: Database,
        name: str,
        owner: str,
        ttl_s: float,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        raise NotImplementedError

    async def acquire(self) -> bool:
        raise NotImplementedError

    async def release(self) -> None:
        raise NotImplementedError
