"""The delivery aggregate: deterministic ids, its transition table, planning and withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distribution.domain.delivery import (
    TRANSITIONS,
    Delivery,
    DeliveryAction,
    DeliveryStatus,
    IllegalDeliveryTransitionError,
    delivery_id,
    next_status,
    plan_deliveries,
    withdraw,
)
from distribution.domain.subscribers import Consent, Subscriber
from newsroom_shared.events.distribution import ChannelKind
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
LIFT = NOW + timedelta(hours=2)


@dataclass(frozen=True)
class FakeChannel:
    id: str
    kind: ChannelKind
    recipient: str
    newsroom_id: str | None = None
    enabled: bool = True


def facts(**extra: object) -> dict[str, object]:
    return {
        "tenant_id": "t1",
        "release_id": "r1",
        "newsroom_id": "n1",
        "newsroom_slug": "acme",
        "slug": "launch",
        "title": "Launch",
        "language": "en",
        "categories": ["Product"],
        "url": "https://news.example/acme/launch",
        "version": 3,
        **extra,
    }


def published(**extra: object) -> ReleasePublished:
    return ReleasePublished.model_validate(facts(published_at=NOW, **extra))


def embargoed() -> ReleaseEmbargoed:
    return ReleaseEmbargoed.model_validate(
        facts(embargo_until=LIFT, preview_url="https://news.example/preview/x")
    )


def subscriber(sid: str, *, journalist: bool = False, confirmed: bool = True) -> Subscriber:
    made = Subscriber.create(
        subscriber_id=sid,
        tenant_id="t1",
        newsroom_id="n1",
        email=f"{sid}@example.com",
        consent=Consent(given_at=NOW, method="double_opt_in"),
        now=NOW,
        journalist=journalist,
    )
    return made.confirm(NOW) if confirmed else made


CHANNELS = [
    FakeChannel("c-masto", "mastodon", "https://mastodon.example"),
    FakeChannel("c-hook", "webhook", "https://hooks.example"),
    FakeChannel("c-mail", "email", "news@acme.example"),
    FakeChannel("c-off", "bluesky", "acme.bsky.social", enabled=False),
    FakeChannel("c-other", "x", "acme", newsroom_id="n2"),
]
SUBSCRIBERS = [
    subscriber("s-reader"),
    subscriber("s-journalist", journalist=True),
    subscriber("s-unconfirmed", confirmed=False),
]


def pending(kind: ChannelKind = "mastodon") -> Delivery:
    return Delivery.plan(
        tenant_id="t1",
        release_id="r1",
        newsroom_id="n1",
        channel_id="c1",
        channel_kind=kind,
        recipient="acct",
        now=NOW,
    )


@given(st.text(min_size=1), st.text(min_size=1), st.text(min_size=1))
def test_ids_are_deterministic_and_tell_the_parts_apart(release, channel, recipient):
    assert delivery_id(release, channel, recipient) == delivery_id(release, channel, recipient)
    assert delivery_id(release, channel, recipient) != delivery_id(
        release + "x", channel, recipient
    )
    assert delivery_id("ab", "c", recipient) != delivery_id("a", "bc", recipient)


def test_idempotency_key_is_stable_and_differs_from_the_id():
    first, again = pending(), pending()
    assert first.idempotency_key == again.idempotency_key
    assert first.idempotency_key != first.id
    started = first.start_attempt()
    retried = started.retry_at(NOW, "timeout").start_attempt()
    assert retried.idempotency_key == first.idempotency_key
    assert retried.attempts == 2


def test_every_action_missing_from_the_table_is_refused():
    for status, targets in TRANSITIONS.items():
        for action in DeliveryAction:
            if action in targets:
                assert next_status(status, action) is targets[action]
            else:
                with pytest.raises(IllegalDeliveryTransitionError, match=f"cannot {action}"):
                    next_status(status, action)


def test_a_sent_delivery_cannot_be_sent_again():
    sent = pending().start_attempt().succeed(NOW, "42", "https://m.example/@acme/42")
    assert sent.status is DeliveryStatus.SENT
    assert (sent.remote_id, sent.remote_url, sent.sent_at) == ("42", sent.remote_url, NOW)
    with pytest.raises(IllegalDeliveryTransitionError, match="status 'sent'"):
        sent.start_attempt()


def test_requeue_gives_a_failed_delivery_a_fresh_budget():
    failed = pending().start_attempt().fail("HTTP 401", permanent=True)
    again = failed.requeue(NOW + timedelta(hours=1))
    assert again.status is DeliveryStatus.PENDING
    assert again.attempts == 0
    assert not again.failed_permanently
    assert again.is_due(NOW + timedelta(hours=1))
    assert not again.is_due(NOW)


def test_published_release_plans_public_channels_and_matching_subscribers():
    plan = plan_deliveries(published(), CHANNELS, SUBSCRIBERS, NOW)
    targets = {(d.channel_id, d.recipient) for d in plan}
    assert targets == {
        ("c-masto", "https://mastodon.example"),
        ("c-hook", "https://hooks.example"),
        ("c-mail", "s-reader"),
        ("c-mail", "s-journalist"),
    }
    assert all(d.status is DeliveryStatus.PENDING and d.next_attempt_at == NOW for d in plan)
    assert not any(d.under_embargo for d in plan)


def test_planning_twice_yields_the_same_ids():
    first = plan_deliveries(published(), CHANNELS, SUBSCRIBERS, NOW)
    again = plan_deliveries(published(version=4), CHANNELS, SUBSCRIBERS, NOW + timedelta(1))
    assert [d.id for d in first] == [d.id for d in again]


def test_embargo_emails_only_invited_journalists_before_the_lift():
    plan = plan_deliveries(embargoed(), CHANNELS, SUBSCRIBERS, NOW)
    assert [(d.channel_id, d.recipient, d.under_embargo) for d in plan] == [
        ("c-mail", "s-journalist", True)
    ]


def test_embargo_event_after_the_lift_plans_nothing():
    assert plan_deliveries(embargoed(), CHANNELS, SUBSCRIBERS, LIFT) == []


def test_the_lift_reaches_public_channels_and_does_not_email_the_journalist_twice():
    preview = plan_deliveries(embargoed(), CHANNELS, SUBSCRIBERS, NOW)
    at_lift = plan_deliveries(published(embargo_until=LIFT), CHANNELS, SUBSCRIBERS, LIFT)
    assert {d.channel_kind for d in at_lift} == {"mastodon", "webhook", "email"}
    # Same id: the store's unique index makes the journalist's second delivery a no-op.
    assert preview[0].id in {d.id for d in at_lift}


def test_withdrawal_cancels_pending_deliveries():
    cancelled = withdraw(pending(), NOW, "legal")
    assert cancelled.status is DeliveryStatus.CANCELLED
    assert cancelled.last_error == "release withdrawn: legal"
    assert withdraw(cancelled, NOW + timedelta(1)) == cancelled  # redelivered event


@pytest.mark.parametrize(
    ("kind", "retracts"),
    [("mastodon", True), ("bluesky", True), ("email", False), ("webhook", False)],
)
def test_withdrawal_asks_to_delete_sent_posts_where_the_network_allows(kind, retracts):
    sent = pending(kind).start_attempt().succeed(NOW, "1", None)
    after = withdraw(sent, NOW)
    assert after.status is DeliveryStatus.SENT
    assert (after.retraction_requested_at is not None) is retracts
    if retracts:
        assert after.mark_retracted(NOW).retracted_at == NOW


def test_withdrawal_during_an_attempt_takes_effect_when_it_ends():
    in_flight = withdraw(pending().start_attempt(), NOW)
    assert in_flight.status is DeliveryStatus.SENDING
    landed = in_flight.succeed(NOW, "9", None)
    assert landed.retraction_requested_at == NOW
