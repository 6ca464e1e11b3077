"""The confirmation mailer: a loop in every replica sending due double opt-in emails.

Small and separate from the delivery worker (a confirmation is not a delivery of a release);
claims are leases, so a crashed replica's emails are sent by another, with the same Message-ID.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from distribution.bootstrap import Distribution
from distribution.service import confirmations
from newsroom_shared.background import BackgroundLoop

logger = logging.getLogger(__name__)


class ConfirmationMailer:
    def __init__(
        self, distribution: Distribution, *, interval_s: float, batch_size: int, lease_s: float
    ) -> None:
        self._distribution = distribution
        self._batch_size = batch_size
        self._lease = timedelta(seconds=lease_s)
        self.loop = BackgroundLoop("confirmation-mailer", self.run_once, interval_s=interval_s)

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
