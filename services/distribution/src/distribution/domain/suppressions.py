"""A tenant's suppression list: addresses no newsroom of the tenant mails again.

A hard bounce or a complaint puts an address here (and flags its subscribers); staff can add one
by hand. It is checked when deliveries are planned, and the subscribers' flags stop the worker
right before sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class SuppressionReason(StrEnum):
    BOUNCE = "bounce"
    COMPLAINT = "complaint"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class Suppression:
    tenant_id: str
    email: str  # normalised (``subscribers.normalise_email``)
    reason: SuppressionReason
    created_at: datetime


def mask_email(address: str) -> str:
    """``jane@example.com`` -> ``j***@example.com``: enough to recognise, not to harvest."""
    local, _, domain = address.rpartition("@")
    if not local:
        return "***"
    return f"{local[0]}***@{domain}"
