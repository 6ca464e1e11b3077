"""The confirmation mailer: a loop in every replica sending due double opt-in emails.

Small and separate from the delivery worker (a confirmation is not a delivery of a release);
claims are leases, so a crashed replica's emails are sent by another, with the same Message-ID.
What it sends and records is :func:`distribution.service.confirmations.send_due`'s.
"""

from __future__ import annotations

from datetime import timedelta

from distribution.bootstrap import Distribution
from distribution.service import confirmations
from newsroom_shared.background import BackgroundLoop


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
        return await confirmations.send_due(
            distribution,
            distribution.senders,
            distribution.clock,
            limit=self._batch_size,
            lease=self._lease,
        )
