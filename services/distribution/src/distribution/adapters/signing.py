"""Signed links for subscribers (itsdangerous) and signed webhook requests (Standard Webhooks).

Tokens are salted with their purpose, so an unsubscribe token can never confirm a subscription or
open the preference center. Verification says *why* a token fails, so the page can say "this link
has expired, request a new one" rather than a bare 400.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from itsdangerous import BadData, BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from standardwebhooks import Webhook

from distribution.domain.channels import new_webhook_secret as new_webhook_secret
from distribution.domain.tokens import MAX_AGE as MAX_AGE
from distribution.domain.tokens import TokenPurpose as TokenPurpose

Clock = Callable[[], float]  # seconds since the epoch, like time.time


class TokenProblem(StrEnum):
    EXPIRED = "expired"
    INVALID = "invalid"
    WRONG_PURPOSE = "wrong_purpose"


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """A verified token's payload, or the reason it was refused (exactly one is set)."""

    payload: dict[str, Any] | None = None
    problem: TokenProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _signer_with_clock(clock: Clock) -> type[TimestampSigner]:
    # itsdangerous reads time.time() directly; a subclass lets tests move time.
    class ClockedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock())

    return ClockedSigner


class SubscriberTokens:
    """Issues and verifies subscriber links' tokens.

    ``secret_keys``: newest first; older keys still verify, so keys rotate without breaking
    links already sent.
    """

    def __init__(self, secret_keys: Sequence[str], clock: Clock = time.time) -> None:
        if not secret_keys or not all(secret_keys):
            raise ValueError("give at least one non-empty secret key")
        signer = _signer_with_clock(clock)
        self._serializers = {
            purpose: URLSafeTimedSerializer(
                list(reversed(secret_keys)),  # itsdangerous signs with the last key
                salt=f"newsroom.distribution.{purpose}",
                signer=signer,
            )
            for purpose in TokenPurpose
        }

    def issue(self, purpose: TokenPurpose, payload: Mapping[str, Any]) -> str:
        """A URL-safe token; ``payload`` (e.g. tenant and subscriber ids) is signed, not hidden."""
        token = self._serializers[purpose].dumps(dict(payload))
        return str(token)

    def verify(self, purpose: TokenPurpose, token: str) -> TokenCheck:
        max_age = MAX_AGE[purpose]
        seconds = int(max_age.total_seconds()) if max_age is not None else None
        try:
            payload = self._serializers[purpose].loads(token, max_age=seconds)
        except SignatureExpired:
            return TokenCheck(problem=TokenProblem.EXPIRED)
        except BadSignature:
            problem = TokenProblem.WRONG_PURPOSE if self._other_purpose(purpose, token) else None
            return TokenCheck(problem=problem or TokenProblem.INVALID)
        except BadData:
            return TokenCheck(problem=TokenProblem.INVALID)
        if not isinstance(payload, dict):
            return TokenCheck(problem=TokenProblem.INVALID)
        return TokenCheck(payload=payload)

    def _other_purpose(self, purpose: TokenPurpose, token: str) -> bool:
        for other, serializer in self._serializers.items():
            if other is purpose:
                continue
            try:
                serializer.loads(token)  # signature only: we only ask whose token it is
            except BadData:
                continue
            return True
        return False


# --- Standard Webhooks -------------------------------------------------------------------------


def webhook_headers(
    secret: str, message_id: str, payload: str, sent_at: datetime
) -> dict[str, str]:
    """``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` for one request.

    ``message_id`` must stay the same across retries of one delivery (receivers deduplicate on
    it): pass the delivery's idempotency key. ``payload`` is the exact body sent.
    """
    moment = sent_at.astimezone(UTC)  # the library reads the time as UTC without converting
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, moment, payload),
    }
