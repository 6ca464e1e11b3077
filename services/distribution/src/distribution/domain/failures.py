"""The failure log of a channel: every attempt that did not deliver, with its reason.

Staff debugging a webhook endpoint or a network account want to see each failed attempt, not
only a delivery's last error: what failed, when, whether it will be retried and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from distribution.domain.delivery import Delivery, DeliveryStatus


@dataclass(frozen=True, slots=True)
class FailedAttempt:
    tenant_id: str
    channel_id: str
    delivery_id: str
    release_id: str
    attempt: int
    at: datetime
    error: str
    # True when this failure ended the delivery (permanent, or out of retries).
    final: bool
    retry_at: datetime | None


def failed_attempt(after: Delivery, at: datetime) -> FailedAttempt | None:
    """The log entry for an attempt that left ``after``; None when it delivered (or was
    cancelled: a withdrawal is not the endpoint's failure)."""
    if after.status is DeliveryStatus.FAILED:
        final, retry_at = True, None
    elif after.status is DeliveryStatus.PENDING and after.last_error:
        final, retry_at = False, after.next_attempt_at
    else:
        return None
    return FailedAttempt(
        tenant_id=after.tenant_id,
        channel_id=after.channel_id,
        delivery_id=after.id,
        release_id=after.release_id,
        attempt=after.attempts,
        at=at,
        error=after.last_error or "",
        final=final,
        retry_at=retry_at,
    )
