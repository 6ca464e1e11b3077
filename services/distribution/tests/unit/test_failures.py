"""Which attempts enter a channel's failure log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from distribution.domain.delivery import Delivery
from distribution.domain.failures import failed_attempt

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def sending() -> Delivery:
    return Delivery.plan(
        tenant_id="t",
        release_id="r",
        newsroom_id="n",
        channel_id="c",
        channel_kind="webhook",
        recipient="https://hooks.example",
        now=NOW,
    ).start_attempt()


def test_a_retried_failure_is_logged_with_when_it_is_tried_again() -> None:
    later = NOW + timedelta(minutes=1)
    entry = failed_attempt(sending().retry_at(later, "HTTP 503"), NOW)
    assert entry is not None
    assert (entry.attempt, entry.error, entry.final, entry.retry_at) == (
        1,
        "HTTP 503",
        False,
        later,
    )
    assert (entry.channel_id, entry.release_id, entry.tenant_id) == ("c", "r", "t")


def test_a_final_failure_is_logged_as_final() -> None:
    entry = failed_attempt(sending().fail("HTTP 410", permanent=True), NOW)
    assert entry is not None
    assert (entry.final, entry.retry_at, entry.error) == (True, None, "HTTP 410")


def test_deliveries_that_went_out_or_were_withdrawn_are_not_failures() -> None:
    assert failed_attempt(sending().succeed(NOW, "post-1", None), NOW) is None
    assert failed_attempt(sending().cancel(NOW, "withdrawn"), NOW) is None
