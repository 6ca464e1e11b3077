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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from distribution.domain.outcomes import Outcome
from distribution.service import attempts
from distribution.service.attempts import Claimed
from distribution.service.ports import UnitOfWork, UnitsOfWork
from newsroom_shared.clock import Clock
from newsroom_shared.group_commit import GroupCommit
from newsroom_shared.group_commit import nothing_expected as nothing_expected

# Outcomes per group-commit transaction at most: one bulk write of this many updates and one
# outbox document of this many events (a few hundred kB) stay far inside MongoDB's limits.
MAX_OUTCOMES_PER_TRANSACTION = 1000
# How long an outcome waits for its group to fill at most.
MAX_WAIT_S = 1.0


@dataclass(frozen=True, slots=True)
class _Pending:
    claimed: Claimed
    outcome: Outcome
    recipient: str | None


class OutcomeRecorder:
    """Records attempts' outcomes by group commit (see the module docstring), on the shared
    :class:`newsroom_shared.group_commit.GroupCommit`."""

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
        self._group: GroupCommit[_Pending, None] = GroupCommit(
            self._commit,
            max_group=max_per_transaction,
            max_wait_s=max_wait_s,
            expected=expected,
            name="outcome-recorder",
        )

    @property
    def backlog(self) -> int:
        """Outcomes handed over and not yet committed (the worker's back-pressure)."""
        return self._group.backlog

    def recheck(self) -> None:
        """Fewer outcomes may be expected now (an attempt ended without one): a group waiting
        to fill looks again whether to commit."""
        self._group.recheck()

    async def record(self, claimed: Claimed, outcome: Outcome, recipient: str | None) -> None:
        """Returns once the outcome is committed; raises what the transaction raised."""
        await self._group.submit(_Pending(claimed, outcome, recipient))

    async def _commit(self, group: Sequence[_Pending]) -> list[None]:
        attempted = [attempts.Attempted(i.claimed, i.outcome, i.recipient) for i in group]

        async def record_all(uow: UnitOfWork) -> None:
            await attempts.record_outcomes(uow, attempted, self._clock.now())

        await self._units.transact(record_all)
        return [None] * len(group)
