"""What one attempt's result means for a delivery: done, try again later, or give up.

Adapters turn what happened (an HTTP status, an SMTP reply, a timeout) into an :data:`Outcome` with
the helpers here; :func:`apply_outcome` then gives the delivery's next state.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from distribution.domain.delivery import Delivery

REASON_MAX = 300  # far sides can answer with whole HTML pages; keep what people can read


@dataclass(frozen=True, slots=True)
class Success:
    remote_id: str | None = None
    remote_url: str | None = None


@dataclass(frozen=True, slots=True)
class TransientFailure:
    """Trying again later may work (timeouts, connection errors, 5xx, 429)."""

    reason: str
    retry_after: timedelta | None = None  # the far side told us how long to wait


@dataclass(frozen=True, slots=True)
class PermanentFailure:
    """Trying again cannot help until someone changes something (content, credentials)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Posted(Success):
    """A success that names every post made, in thread order (``remote_id`` is the first): a
    withdrawal deletes them all."""

    remote_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unconfirmed(TransientFailure):
    """A transient failure after which a post may exist: the request went out and its answer
    was lost (a timeout, a dropped connection, a 5xx), or a thread stopped after some posts
    landed. The delivery is marked, and the next attempt looks for the post before posting."""


Outcome = Success | TransientFailure | PermanentFailure

# Statuses worth retrying: the far side is busy, slow or briefly broken.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504, 507, 509, 520, 521, 522, 524})
PERMANENT_REASONS: Mapping[int, str] = {
    400: "the far side refused the request as malformed",
    401: "credentials were rejected: reconnect the account or renew the token",
    403: "not allowed: the account or token lacks the permission to post",
    404: "endpoint not found: check the configured URL or account",
    405: "method not allowed: check the configured URL",
    409: "the far side reports a conflict with existing content",
    410: "the endpoint or account is gone",
    413: "the content is too large for the far side",
    415: "the far side does not accept this content type",
    422: "the far side rejected the content",
}


def excerpt(detail: str) -> str:
    """The far side's text on one line, shortened to :data:`REASON_MAX` characters."""
    text = " ".join(detail.split())
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """``Retry-After`` as a wait: delay-seconds or an HTTP date (RFC 9110 §10.2.3); else None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # unparseable: fall back on our own backoff
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # HTTP dates are GMT by definition
    return max(moment - now, timedelta(0))


def classify_http_status(
    status: int, headers: Mapping[str, str], now: datetime, detail: str = ""
) -> TransientFailure | PermanentFailure | None:
    """A failure for a non-2xx answer, or ``None`` for 2xx (the adapter builds the Success).

    ``headers`` is matched case-insensitively for ``Retry-After``; ``detail`` (the body's error
    message) is appended, shortened: it must never carry credentials, so pass the far side's
    error text, never our request.
    """
    if 200 <= status < 300:
        return None
    suffix = f": {excerpt(detail)}" if detail.strip() else ""
    if status in TRANSIENT_STATUSES or status >= 500:
        retry_after = parse_retry_after(_header(headers, "retry-after"), now)
        return TransientFailure(f"HTTP {status}{suffix}", retry_after)
    if 300 <= status < 400:
        return PermanentFailure(f"HTTP {status}: unexpected redirect{suffix}")
    reason = PERMANENT_REASONS.get(status, "the far side refused the request")
    return PermanentFailure(f"HTTP {status}: {reason}{suffix}")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def classify_smtp_reply(code: int, message: str = "") -> TransientFailure | PermanentFailure:
    """SMTP: 4xx means try later (greylisting, full mailbox), 5xx means this address will not do."""
    suffix = f": {excerpt(message)}" if message.strip() else ""
    if 400 <= code < 500:
        return TransientFailure(f"SMTP {code}{suffix}")
    return PermanentFailure(f"SMTP {code}{suffix}")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter and a cap; ``max_attempts`` counts the first one too."""

    base: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=1)
    # Each wait is drawn from [(1 - jitter) * d, d]: spreads a burst of retries, never waits longer
    # than the schedule says.
    jitter: float = 0.2
    max_attempts: int = 8
    # A Retry-After beyond this is not worth waiting for: we give up (non-permanently).
    max_retry_after: timedelta = timedelta(hours=24)

    def backoff(self, attempt: int, rng: random.Random | None = None) -> timedelta:
        """The wait after failed attempt number ``attempt`` (1-based)."""
        # In float seconds, exponent bounded: a large attempt number must not overflow before
        # the cap applies.
        growth = self.factor ** min(attempt - 1, 64)
        seconds = min(self.base.total_seconds() * growth, self.cap.total_seconds())
        scheduled = timedelta(seconds=seconds)
        draw = (rng or random).random()
        return scheduled * (1 - self.jitter * draw)

    def wait(
        self, attempt: int, retry_after: timedelta | None, rng: random.Random | None = None
    ) -> timedelta:
        """Our backoff, or the far side's ``Retry-After`` when that is longer."""
        ours = self.backoff(attempt, rng)
        return max(ours, retry_after) if retry_after is not None else ours


DEFAULT_POLICY = RetryPolicy()


def apply_outcome(
    delivery: Delivery,
    outcome: Outcome,
    now: datetime,
    policy: RetryPolicy = DEFAULT_POLICY,
    rng: random.Random | None = None,
) -> Delivery:
    """The delivery after its current attempt (it must be ``sending``) ended with ``outcome``."""
    if isinstance(outcome, Success):
        return delivery.succeed(now, outcome.remote_id, outcome.remote_url)
    if isinstance(outcome, PermanentFailure):
        return delivery.fail(outcome.reason, permanent=True)
    if delivery.withdrawn_at is not None:
        return delivery.cancel(now, f"release withdrawn; last attempt: {outcome.reason}")
    if delivery.attempts >= policy.max_attempts:
        return delivery.fail(
            f"gave up after {delivery.attempts} attempts: {outcome.reason}", permanent=False
        )
    if outcome.retry_after is not None and outcome.retry_after > policy.max_retry_after:
        return delivery.fail(
            f"the far side asks to wait {outcome.retry_after}: {outcome.reason}", permanent=False
        )
    wait = policy.wait(delivery.attempts, outcome.retry_after, rng)
    return delivery.retry_at(now + wait, outcome.reason)
