"""Visitors' new comments accepted by group commit: comments posted while a batch commits are
accepted together in the next one (:func:`comments.service.posting.accept_submitted`: one
transaction, each lookup one query for the whole batch, each kind of write one command), so a
busy service pays a transaction's reads, writes and commit once per batch rather than once per
comment, and a lone comment commits at once (no wait for company). Up to ``max_batch``
comments share a transaction; beyond ``max_waiting`` comments waiting for a batch, a new
one waits before it joins the queue (back-pressure). The shared
:class:`newsroom_shared.group_commit.GroupCommit` does the queueing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from comments.service import posting
from comments.service.accepting import Outcome
from comments.service.ports import Deps, Posted, UnitOfWork, Visitor
from newsroom_shared.group_commit import GroupCommit

MAX_BATCH = 64
MAX_WAITING = 1024


class CommentIntake:
    def __init__(
        self,
        units: Callable[[], UnitOfWork],
        deps: Deps,
        *,
        max_batch: int = MAX_BATCH,
        max_waiting: int = MAX_WAITING,
    ) -> None:
        self._units = units
        self._deps = deps
        self._batches: GroupCommit[posting.Submission, Posted] = GroupCommit(
            self._accept, max_group=max_batch, max_queued=max_waiting, name="comment-intake"
        )

    async def post(self, visitor: Visitor, new: posting.NewComment) -> Posted:
        """The comment stored with its batch, or its own refusal raised."""
        return await self._batches.submit(posting.submission(visitor, new))

    async def _accept(self, batch: Sequence[posting.Submission]) -> list[Outcome]:
        return await posting.accept_submitted(self._units(), self._deps, batch)
