"""The confirmation mailer: a loop in every replica sending due double opt-in emails.

Small and separate from the delivery worker (a confirmation is not a delivery of a release);
claims are leases, so a crashed replica's emails are sent by another, with the same Message-ID.
What it sends and records is :func:`distribution.service.confirmations.send_due`'s.

A subscription made in this process rings ``distribution.mail_bell`` and the mailer sends at
once; otherwise it looks every ``CONFIRMATION_INTERVAL_S`` (another replica's subscriptions, a
lease run out), so an idle replica spends few database commands on it (one read per look).
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
        distribution.mail_bell.attach(self)

    def wake(self) -> None:
        """Send now: a subscription here just committed a confirmation email."""
        self.loop.wake()

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
