"""The delivery's record of what may have been posted: when to look before posting again, and
which posts a withdrawal deletes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from distribution.domain.delivery import Delivery

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def delivery() -> Delivery:
    return Delivery.plan(
        tenant_id="t1",
        release_id="r1",
        newsroom_id="n1",
        channel_id="c1",
        channel_kind="x",
        recipient="acme",
        now=NOW,
    )


def test_a_first_attempt_looks_for_nothing():
    assert delivery().start_attempt().reconcile_since() is None


def test_after_an_unknown_outcome_every_attempt_looks_from_the_first_attempt_on():
    first_attempt = NOW + timedelta(minutes=3)
    unsure = replace(delivery(), first_attempt_at=first_attempt).with_outcome_unknown()

    again = unsure.start_attempt().retry_at(NOW + timedelta(hours=1), "timed out")

    assert again.reconcile_since() == first_attempt
    assert again.start_attempt().reconcile_since() == first_attempt


def test_without_a_recorded_first_attempt_it_looks_from_the_planning_on():
    assert delivery().with_outcome_unknown().reconcile_since() == NOW


def test_a_withdrawal_deletes_every_post_of_a_thread():
    sent = delivery().start_attempt().succeed(NOW, "1", "https://x.com/acme/status/1")

    assert sent.posted_ids() == ("1",)  # recorded before threads were kept whole
    assert sent.with_remote_ids(["1", "2", "3"]).posted_ids() == ("1", "2", "3")
    assert delivery().posted_ids() == ()
