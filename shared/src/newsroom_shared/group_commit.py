"""Group commit: many callers' work in one transaction, each caller answered on its own.

Each caller hands an item over with :meth:`GroupCommit.submit` and waits for its own result. One
task commits the queued items a group at a time (the ``commit`` function given: one
transaction for the whole group, returning one result per item, in order); items that arrive
while a group commits join the next one. So a busy process pays the transaction's fixed cost
(its reads, its writes in bulk, the commit) once per group, not once per item, while a lone item
commits at once.

A group is committed as soon as one of these holds:

- it is full (``max_group``): bounds how long one transaction runs and what it writes;
- no further item is expected soon (``expected()``: none unless the caller says so, e.g. a
  worker whose attempts are still waiting for the far side);
- its first item waited ``max_wait_s``: an item is never held long for a group that fills
  slowly.

Back-pressure: with ``max_queued`` a caller waits in :meth:`submit` while that many items are
queued and not yet taken into a group; :attr:`backlog` counts the items handed over and not yet
answered, for callers that pause their own intake instead.

``commit`` answers each item with its result, or with an exception instance that its caller
gets raised (an item's own failure: the others still commit). When ``commit`` itself raises,
every item of the group gets that error.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")

Commit = Callable[[Sequence[ItemT]], Awaitable[Sequence[ResultT | Exception]]]


def nothing_expected() -> int:
    """No item is on its way: each group commits as soon as the committer is free."""
    return 0


@dataclass(frozen=True, slots=True)
class _Queued(Generic[ItemT, ResultT]):
    item: ItemT
    answer: asyncio.Future[ResultT]


class GroupCommit(Generic[ItemT, ResultT]):
    """Commits submitted items by groups (see the module docstring)."""

    def __init__(
        self,
        commit: Commit[ItemT, ResultT],
        *,
        max_group: int,
        max_queued: int | None = None,
        max_wait_s: float = 0.0,
        expected: Callable[[], int] = nothing_expected,
        name: str = "group-commit",
    ) -> None:
        if max_group < 1 or (max_queued is not None and max_queued < 1):
            raise ValueError("a group and the queue hold one item at least")
        self._commit = commit
        self._max = max_group
        self._room = None if max_queued is None else asyncio.Semaphore(max_queued)
        self._max_wait_s = max_wait_s
        self._expected = expected
        self._name = name
        self._queue: list[_Queued[ItemT, ResultT]] = []
        self._unanswered = 0
        self._committing: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()  # an item arrived, or fewer may be expected

    @property
    def backlog(self) -> int:
        """Items handed over and not yet answered."""
        return self._unanswered

    def recheck(self) -> None:
        """Fewer items may be expected now: a group waiting to fill looks again whether to
        commit."""
        self._changed.set()

    async def submit(self, item: ItemT) -> ResultT:
        """Returns once the item's group committed, with the item's result; raises the item's
        error (or the group's)."""
        if self._room is not None:
            await self._room.acquire()  # back-pressure: released when a group takes the item
        answer: asyncio.Future[ResultT] = asyncio.get_running_loop().create_future()
        self._queue.append(_Queued(item, answer))
        self._unanswered += 1
        self._changed.set()
        if self._committing is None:
            # A context of its own: the committer serves every caller, not the first one (whose
            # request id and tenant the logs would otherwise name for the whole group).
            self._committing = asyncio.create_task(
                self._commit_queued(), name=self._name, context=contextvars.Context()
            )
        try:
            # Shielded: a caller that gives up (a client gone) leaves its item to be
            # committed with its group, not torn out of a transaction in flight.
            return await asyncio.shield(answer)
        except asyncio.CancelledError:
            answer.add_done_callback(_unheard)
            raise
        finally:
            self._unanswered -= 1

    async def _commit_queued(self) -> None:
        try:
            while self._queue:
                await self._until_group_ready()
                group = self._queue[: self._max]
                del self._queue[: len(group)]
                if self._room is not None:
                    for _ in group:
                        self._room.release()
                await self._commit_group(group)
        finally:
            self._committing = None

    async def _until_group_ready(self) -> None:
        """Until the queued group is full, nothing more is expected, or it waited long enough."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._max_wait_s
        while len(self._queue) < self._max and self._expected() > 0:
            self._changed.clear()
            left = deadline - loop.time()
            if left <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def _commit_group(self, group: list[_Queued[ItemT, ResultT]]) -> None:
        try:
            results = await self._commit([queued.item for queued in group])
            if len(results) != len(group):
                raise RuntimeError(f"{len(results)} results for a group of {len(group)}")
        except Exception as error:  # the whole group failed: every caller hears why
            for queued in group:
                _settle(queued.answer, error)
            return
        for queued, result in zip(group, results, strict=True):
            _settle(queued.answer, result)


def _unheard(answer: asyncio.Future[ResultT]) -> None:
    """Nobody waits for this answer any more (its caller gave up): its error is not news."""
    if not answer.cancelled():
        answer.exception()


def _settle(answer: asyncio.Future[ResultT], result: ResultT | Exception) -> None:
    if answer.done():
        return
    if isinstance(result, Exception):
        answer.set_exception(result)
    else:
        answer.set_result(result)
