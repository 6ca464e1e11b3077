"""What a subscriber's signed link is for, and how long it stays valid.

Tokens are salted with their purpose (an unsubscribe token can never confirm a subscription);
signing and verifying them is an adapter's (:mod:`distribution.adapters.signing`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum


class TokenPurpose(StrEnum):
    CONFIRM_SUBSCRIPTION = "confirm-subscription"
    UNSUBSCRIBE = "unsubscribe"
    PREFERENCE_CENTER = "preference-center"


# None: never expires. Unsubscribe links must work from any old email (RFC 8058, and the law).
# The preference center shows the address and choices, so a forwarded link should not live forever.
MAX_AGE: Mapping[TokenPurpose, timedelta | None] = {
    TokenPurpose.CONFIRM_SUBSCRIPTION: timedelta(hours=48),
    TokenPurpose.UNSUBSCRIBE: None,
    TokenPurpose.PREFERENCE_CENTER: timedelta(days=30),
}
