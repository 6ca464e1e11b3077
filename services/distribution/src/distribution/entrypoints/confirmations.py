"""The confirmation mailer: a loop in every replica sending due double opt-in emails.

Small and separate from the delivery worker (a confirmation is not a delivery of a release);
claims are leases, so a crashed replica's emails are sent by another, with the same Message-ID.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from distribution.bootstrap import Distribution
from distribution.service import confirmations

logger = logging.getLogger(__name__)


class ConfirmationMailer:
    def __init__(
        self, distribution: Distribution, *, interval_s: float, batch_size: int, lease_s: float
    ) -> None:
        self._distribution = distribution
        self._interval_s = interval_s
        self._batch_size = batch_size
        self._lease = timedelta(seconds=lease_s)
        self._loop: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="confirmation-mailer")

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop

    async def _run(self) -> None:
        while True:
            try:
                sent = await self.run_once()
            except Exception:
                logger.exception("confirmation mailer: a round failed; trying again")
                sent = 0
            if sent == 0:
                await asyncio.sleep(self._interval_s)

    async def run_once(self) -> int:
        """Claims due confirmation emails and sends them; returns how many were claimed."""
        distribution = self._distribution
        now = distribution.clock()
        claim, due = await distribution.transact(
            lambda uow: confirmations.claim_due(uow, now, self._batch_size, self._lease)
        )
        results = await asyncio.gather(
            *(confirmations.send_one(distribution, c, claim) for c in due), return_exceptions=True
        )
        for confirmation, result in zip(due, results, strict=True):
            if isinstance(result, BaseException):
                logger.error(
                    "confirmation %s: sending raised; its lease brings it back",
                    confirmation.id,
                    exc_info=result,
                )
        return len(due)
