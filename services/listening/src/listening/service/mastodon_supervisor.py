"""Which replica follows which Mastodon source: one connection per source in the whole
deployment, through a lease per source.

Every replica runs :meth:`Followers.step` every few seconds (a third of the lease's life): it
takes or renews the lease of every source whose lease is free or its own, follows those, stops
following the ones whose lease another replica holds (it lost it, say after a long pause), and
closes the connections of deleted sources. A replica that dies stops renewing; its sources'
leases run out and the next replica to look takes them over, resuming at each source's stored
resume point. Two followers of one source for a moment (a lease lost mid-pass) cannot emit a
status twice: the resume point moves in the transaction that emits, and only from where the
follower left it (:class:`CursorMovedError` ends the other one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from listening.domain.mastodon import MastodonSource
from listening.service.mastodon import CursorMovedError
from listening.service.ports import UnitOfWork

logger = logging.getLogger(__name__)


class SourceLease(Protocol):
    async def acquire(self) -> bool: ...
    async def release(self) -> None: ...


Follow = Callable[[MastodonSource], Awaitable[None]]


class Followers:
    def __init__(
        self,
        reader: Callable[[], UnitOfWork],
        lease_for: Callable[[str], SourceLease],
        follow: Follow,
    ) -> None:
        self._reader = reader
        self._lease_for = lease_for
        self._follow = follow
        self._leases: dict[str, SourceLease] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def following(self) -> set[str]:
        """Ids of the sources this replica follows now."""
        return {source_id for source_id, task in self._tasks.items() if not task.done()}

    async def step(self) -> int:
        """One look at every source; answers 0 (the loop waits its interval either way)."""
        async with self._reader() as uow:
            sources = await uow.mastodon_sources.all_tenants()
        present = {source_id for _, source_id in sources}
        for gone in set(self._leases) - present:
            await self._stop(gone, release=True)
        for tenant_id, source_id in sources:
            lease = self._leases.setdefault(source_id, self._lease_for(source_id))
            if await lease.acquire():
                await self._ensure_following(tenant_id, source_id)
            else:
                await self._stop(source_id, release=False)
        return 0

    async def stop(self) -> None:
        """This replica stops: its connections close and their leases are given up, so another
        replica takes them over at its next look rather than when they run out."""
        for source_id in list(self._leases):
            await self._stop(source_id, release=True)

    async def _ensure_following(self, tenant_id: str, source_id: str) -> None:
        task = self._tasks.get(source_id)
        if task is not None and not task.done():
            return
        async with self._reader() as uow:
            source = await uow.mastodon_sources.get(tenant_id, source_id)
        if source is not None:
            self._tasks[source_id] = asyncio.create_task(
                self._run(source), name=f"mastodon-{source_id}"
            )

    async def _run(self, source: MastodonSource) -> None:
        try:
            await self._follow(source)
        except CursorMovedError:
            logger.info("mastodon source %s: followed elsewhere now (or deleted)", source.id)
        except Exception:
            # Started again at the next look while this replica holds the lease.
            logger.exception("mastodon source %s: the follower failed", source.id)

    async def _stop(self, source_id: str, *, release: bool) -> None:
        task = self._tasks.pop(source_id, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if release:
            lease = self._leases.pop(source_id, None)
            if lease is not None:
                with contextlib.suppress(Exception):
                    await lease.release()
