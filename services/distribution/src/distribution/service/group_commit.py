"""Group commit of attempts' outcomes.

Each attempt hands its outcome over as soon as the far side answered and waits until it is
committed; one transaction records a whole group of outcomes
(:func:`distribution.service.attempts.record_outcomes`: one read, one bulk write, their events
in one outbox document per release), so the database sees four commands per group rather than
per delivery, and the outbox relay one batch per group.

A group is committed as soon as one of these holds:

- it is full (``max_per_transaction``): bounds how long one transaction runs and what a crash
  forgets (those emails go out again, with the same Message-ID);
- no further outcome is expected soon (``expected()``: the attempts still waiting for the far
  side; none when the worker is idle, or in unit tests that record one outcome at a time);
- its first outcome waited ``max_wait_s``: an answer is never held long for a group that fills
  slowly (a paced SMTP relay, a few social posts).

While one group commits, the next one fills.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from distribution.domain.outcomes import Outcome
from distribution.service import attempts
from distribution.service.attempts import Claimed
from distribution.service.ports import UnitOfWork, UnitsOfWork
from newsroom_shared.clock import Clock

# Outcomes per group-commit transaction at most: one bulk write of this many updates and one
# outbox document of this many events (a few hundred kB) stay far inside MongoDB's limits.
MAX_OUTCOMES_PER_TRANSACTION = 1000
# How long an outcome waits for its group to fill at most.
MAX_WAIT_S = 1.0


def nothing_expected() -> int:
    """No outcome is on its way: each one is committed at once (no group to wait for)."""
    return 0


@dataclass(frozen=True, slots=True)
class _Pending:
    claimed: Claimed
    outcome: Outcome
    recipient: str | None
    committed: asyncio.Future[None]


class OutcomeRecorder:
    """Records attempts' outcomes by group commit (see the module docstring)."""

    def __init__(
        self,
        units: UnitsOfWork,
        clock: Clock,
        *,
        max_per_transaction: int = MAX_OUTCOMES_PER_TRANSACTION,
        max_wait_s: float = MAX_WAIT_S,
        expected: Callable[[], int] = nothing_expected,
    ) -> None:
        self._units = units
        self._clock = clock
        self._max = max_per_transaction
        self._max_wait_s = max_wait_s
        self._expected = expected
        self._queue: list[_Pending] = []
        self._uncommitted = 0
        self._committing: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()  # an outcome arrived, or an attempt ended without one

    @property
    def backlog(self) -> int:
        """Outcomes handed over and not yet committed (the worker's back-pressure)."""
        return self._uncommitted

    def recheck(self) -> None:
        """Fewer outcomes may be expected now (an attempt ended without one): a group waiting
        to fill looks again whether to commit."""
        self._changed.set()

    async def record(self, claimed: Claimed, outcome: Outcome, recipient: str | None) -> None:
        """Returns once the outcome is committed; raises what the transaction raised."""
        committed = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending(claimed, outcome, recipient, committed))
        self._uncommitted += 1
        self._changed.set()
        if self._committing is None:
            self._committing = asyncio.create_task(self._commit_queued(), name="outcome-recorder")
        try:
            await committed
        finally:
            self._uncommitted -= 1

    async def _commit_queued(self) -> None:
        try:
            while self._queue:
                await self._until_group_ready()
                group = self._queue[: self._max]
                del self._queue[: len(group)]
                await self._commit(group)
        finally:
            self._committing = None

    async def _until_group_ready(self) -> None:
        """Until the queued group is full, nothing more is expected, or it waited long enough
        (see the module docstring)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._max_wait_s
        while len(self._queue) < self._max and self._expected() > 0:
            self._changed.clear()
            left = deadline - loop.time()
            if left <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def _commit(self, group: list[_Pending]) -> None:
        attempted = [attempts.Attempted(i.claimed, i.outcome, i.recipient) for i in group]

        async def record_all(uow: UnitOfWork) -> None:
            await attempts.record_outcomes(uow, attempted, self._clock.now())

        try:
            await self._units.transact(record_all)
        except Exception as error:
            for item in group:
                if not item.committed.done():
                    item.committed.set_exception(error)
            return
        for item in group:
            if not item.committed.done():
                item.committed.set_result(None)
