"""Classifying attempt results, the backoff schedule, and the state after an outcome."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from distribution.adapters.transport_errors import classify_error
from distribution.domain.delivery import Delivery, DeliveryStatus, withdraw
from distribution.domain.outcomes import (
    PermanentFailure,
    RetryPolicy,
    Success,
    TransientFailure,
    apply_outcome,
    classify_http_status,
    classify_smtp_reply,
    parse_retry_after,
)

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(minutes=5), max_attempts=4)


def sending() -> Delivery:
    planned = Delivery.plan(
        tenant_id="t1",
        release_id="r1",
        newsroom_id="n1",
        channel_id="c1",
        channel_kind="mastodon",
        recipient="acct",
        now=NOW,
    )
    return planned.start_attempt()


def test_retry_after_in_seconds_and_as_http_date():
    assert parse_retry_after("120", NOW) == timedelta(seconds=120)
    assert parse_retry_after("Tue, 01 Jan 2030 09:05:00 GMT", NOW) == timedelta(minutes=5)
    assert parse_retry_after("Tue, 01 Jan 2030 08:00:00 GMT", NOW) == timedelta(0)
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, 599])
def test_busy_or_broken_far_sides_are_transient(status):
    failure = classify_http_status(status, {"Retry-After": "30"}, NOW)
    assert isinstance(failure, TransientFailure)
    assert failure.retry_after == timedelta(seconds=30)


@pytest.mark.parametrize(
    ("status", "words"),
    [(400, "malformed"), (401, "credentials"), (403, "permission"), (404, "not found"),
     (422, "rejected the content"), (418, "refused"), (301, "redirect")],
)  # fmt: skip
def test_refusals_are_permanent_with_a_reason(status, words):
    failure = classify_http_status(status, {}, NOW, detail="  Text\n too   long " * 100)
    assert isinstance(failure, PermanentFailure)
    assert failure.reason.startswith(f"HTTP {status}")
    assert words in failure.reason
    assert len(failure.reason) < 500
    assert "\n" not in failure.reason


def test_2xx_is_no_failure():
    assert classify_http_status(201, {}, NOW) is None


def test_network_errors_are_transient_and_bugs_are_not_swallowed():
    assert isinstance(classify_error(httpx.ConnectTimeout("slow")), TransientFailure)
    assert isinstance(classify_error(httpx.ConnectError("refused")), TransientFailure)
    assert isinstance(classify_error(ConnectionResetError()), TransientFailure)
    assert isinstance(classify_error(TimeoutError()), TransientFailure)
    assert classify_error(KeyError("bug")) is None


def test_smtp_4xx_is_transient_and_5xx_permanent():
    assert isinstance(classify_smtp_reply(451, "greylisted"), TransientFailure)
    assert isinstance(classify_smtp_reply(550, "no such user"), PermanentFailure)


@given(st.integers(min_value=1, max_value=60), st.integers(min_value=0, max_value=2**32))
def test_backoff_grows_is_capped_and_jittered_downwards_only(attempt, seed):
    wait = POLICY.backoff(attempt, random.Random(seed))
    scheduled = min(POLICY.base * 2 ** min(attempt - 1, 20), POLICY.cap)
    assert scheduled * (1 - POLICY.jitter) <= wait <= scheduled


def test_jitter_spreads_retries():
    waits = {POLICY.backoff(3, random.Random(seed)) for seed in range(20)}
    assert len(waits) > 1


def test_success_records_the_remote_post():
    sent = apply_outcome(sending(), Success("42", "https://m.example/@a/42"), NOW, POLICY)
    assert sent.status is DeliveryStatus.SENT
    assert sent.remote_id == "42"


def test_transient_failure_schedules_a_retry():
    retry = apply_outcome(sending(), TransientFailure("HTTP 503"), NOW, POLICY, random.Random(1))
    assert retry.status is DeliveryStatus.PENDING
    assert NOW + timedelta(seconds=8) <= retry.next_attempt_at <= NOW + timedelta(seconds=10)
    assert retry.last_error == "HTTP 503"


def test_a_longer_retry_after_is_respected():
    outcome = TransientFailure("HTTP 429", retry_after=timedelta(minutes=30))
    retry = apply_outcome(sending(), outcome, NOW, POLICY)
    assert retry.next_attempt_at == NOW + timedelta(minutes=30)


def test_a_retry_after_beyond_reason_gives_up_non_permanently():
    outcome = TransientFailure("HTTP 503", retry_after=timedelta(days=3))
    failed = apply_outcome(sending(), outcome, NOW, POLICY)
    assert failed.status is DeliveryStatus.FAILED
    assert not failed.failed_permanently


def test_retries_run_out_after_max_attempts():
    delivery = sending()
    for _ in range(POLICY.max_attempts - 1):
        delivery = apply_outcome(delivery, TransientFailure("timeout"), NOW, POLICY)
        assert delivery.status is DeliveryStatus.PENDING
        delivery = delivery.start_attempt()
    failed = apply_outcome(delivery, TransientFailure("timeout"), NOW, POLICY)
    assert failed.status is DeliveryStatus.FAILED
    assert failed.attempts == POLICY.max_attempts
    assert not failed.failed_permanently
    assert "gave up after 4 attempts" in (failed.last_error or "")


def test_permanent_failure_fails_at_once():
    failed = apply_outcome(sending(), PermanentFailure("HTTP 401: credentials"), NOW, POLICY)
    assert failed.status is DeliveryStatus.FAILED
    assert failed.failed_permanently
    assert failed.attempts == 1


def test_transient_failure_after_withdrawal_cancels():
    in_flight = withdraw(sending(), NOW)
    after = apply_outcome(in_flight, TransientFailure("timeout"), NOW, POLICY)
    assert after.status is DeliveryStatus.CANCELLED
