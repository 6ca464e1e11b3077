"""The double opt-in email: one record per confirmation email to send, written in the same
transaction as the pending subscriber, sent once by the confirmation mailer.

A record is claimed with a lease like a delivery (a crashed sender's claim comes back), and its
id is the Message-ID, so a resend after a crash is recognisably the same message.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

# A pending subscriber who subscribes again gets a fresh email at most this often.
RESEND_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 5


class ConfirmationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class ConfirmationEmail:
    id: str
    tenant_id: str
    newsroom_id: str
    subscriber_id: str
    channel_id: str
    created_at: datetime
    next_attempt_at: datetime
    status: ConfirmationStatus = ConfirmationStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None

    @classmethod
    def plan(
        cls, *, tenant_id: str, newsroom_id: str, subscriber_id: str, channel_id: str, now: datetime
    ) -> ConfirmationEmail:
        return cls(
            id=uuid.uuid4().hex,
            tenant_id=tenant_id,
            newsroom_id=newsroom_id,
            subscriber_id=subscriber_id,
            channel_id=channel_id,
            created_at=now,
            next_attempt_at=now,
        )

    def sent(self, now: datetime) -> ConfirmationEmail:
        return replace(self, status=ConfirmationStatus.SENT, sent_at=now, last_error=None)

    def cancelled(self, reason: str) -> ConfirmationEmail:
        return replace(self, status=ConfirmationStatus.CANCELLED, last_error=reason)

    def failed(self, reason: str, *, retry_at: datetime | None) -> ConfirmationEmail:
        """Due again at ``retry_at``; failed for good when None or out of attempts."""
        if retry_at is None or self.attempts >= MAX_ATTEMPTS:
            return replace(self, status=ConfirmationStatus.FAILED, last_error=reason)
        return replace(
            self, status=ConfirmationStatus.PENDING, next_attempt_at=retry_at, last_error=reason
        )


def may_resend(latest: ConfirmationEmail | None, now: datetime) -> bool:
    """Whether a new confirmation email may go out (none yet, or the last is old enough)."""
    return latest is None or latest.created_at + RESEND_AFTER <= now
