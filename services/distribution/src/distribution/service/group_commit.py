"""Group commit of attempts' outcomes.

Each attempt hands its outcome over as soon as the far side answered and waits until it is
committed; one transaction records every outcome that arrived while the previous one was
committing (:func:`distribution.service.attempts.record_outcomes`: one read, one bulk write,
their events). An idle worker commits each outcome at once; under load the transactions grow
instead of queueing up, so the database sees a few commands per group rather than per delivery.
This keeps the window in which a crash forgets an answer (and an email is sent again, with the
same Message-ID) to about two commits.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from distribution.domain.outcomes import Outcome
from distribution.service import attempts
from distribution.service.attempts import Claimed
from distribution.service.ports import UnitOfWork, UnitsOfWork
from newsroom_shared.clock import Clock

# Outcomes per group-commit transaction at most: bounds how long one transaction runs.
MAX_OUTCOMES_PER_TRANSACTION = 200


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
    ) -> None:
        self._units = units
        self._clock = clock
        self._max = max_per_transaction
        self._queue: list[_Pending] = []
        self._uncommitted = 0
        self._committing: asyncio.Task[None] | None = None

    @property
    def backlog(self) -> int:
        """Outcomes handed over and not yet committed (the worker's back-pressure)."""
        return self._uncommitted

    async def record(self, claimed: Claimed, outcome: Outcome, recipient: str | None) -> None:
        """Returns once the outcome is committed; raises what the transaction raised."""
        committed = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending(claimed, outcome, recipient, committed))
        self._uncommitted += 1
        if self._committing is None:
            self._committing = asyncio.create_task(self._commit_queued(), name="outcome-recorder")
        try:
            await committed
        finally:
            self._uncommitted -= 1

    async def _commit_queued(self) -> None:
        try:
            while self._queue:
                group = self._queue[: self._max]
                del self._queue[: len(group)]
                await self._commit(group)
        finally:
            self._committing = None

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
