"""The worker's decisions about one claimed delivery, without I/O: cancel or attempt, what the
event names as recipient, and what an attempt without its channel or facts comes to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from distribution.domain.channels import Channel, MastodonConfig
from distribution.domain.delivery import Delivery
from distribution.domain.outcomes import PermanentFailure
from distribution.domain.subscribers import Consent, Subscriber, keyed_digest
from distribution.service.delivering import Context, attempt, event_recipient, reason_to_cancel

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
KEY = b"digest-key"


def delivery(kind: str, recipient: str, tenant: str = "t1") -> Delivery:
    return Delivery.plan(
        tenant_id=tenant,
        release_id="r1",
        newsroom_id="n1",
        channel_id="c1",
        channel_kind=kind,  # type: ignore[arg-type]
        recipient=recipient,
        now=NOW,
    )


def reader(subscriber_id: str = "s1", tenant: str = "t1") -> Subscriber:
    return Subscriber.create(
        subscriber_id=subscriber_id,
        tenant_id=tenant,
        newsroom_id="n1",
        email="jane@example.org",
        consent=Consent(given_at=NOW, method="double_opt_in"),
        now=NOW,
    ).confirm(NOW)


def test_posts_and_webhooks_are_never_cancelled_for_their_recipient() -> None:
    assert reason_to_cancel(delivery("mastodon", "@acme@m.example"), Context()) is None
    assert reason_to_cancel(delivery("webhook", "https://hooks.example"), Context()) is None


def test_an_email_to_a_reachable_subscriber_is_attempted() -> None:
    context = Context(subscribers={("t1", "s1"): reader()})
    assert reason_to_cancel(delivery("email", "s1"), context) is None


@pytest.mark.parametrize(
    ("subscriber", "reason"),
    [
        (None, "no longer reachable"),
        (reader().unsubscribe(NOW), "no longer reachable"),
        (reader().mark_bounced(), "no longer reachable"),
        (reader().mark_complained(), "no longer reachable"),
    ],
)
def test_an_email_to_a_subscriber_gone_since_planning_is_cancelled(
    subscriber: Subscriber | None, reason: str
) -> None:
    context = Context(subscribers={} if subscriber is None else {("t1", "s1"): subscriber})
    assert reason in (reason_to_cancel(delivery("email", "s1"), context) or "")


def test_an_email_to_a_suppressed_address_is_cancelled_within_its_tenant_only() -> None:
    suppressed = {("t1", "jane@example.org")}
    mine = Context(subscribers={("t1", "s1"): reader()}, suppressed=suppressed)
    assert reason_to_cancel(delivery("email", "s1"), mine) == "the address is suppressed"
    theirs = Context(subscribers={("t2", "s1"): reader(tenant="t2")}, suppressed=suppressed)
    assert reason_to_cancel(delivery("email", "s1", tenant="t2"), theirs) is None


def test_an_email_event_names_a_keyed_digest_never_the_address() -> None:
    context = Context(subscribers={("t1", "s1"): reader()})
    named = event_recipient(delivery("email", "s1"), context, KEY)
    assert named == keyed_digest("jane@example.org", KEY)
    assert named is not None
    assert "@" not in named
    assert event_recipient(delivery("mastodon", "@acme@m.example"), context, KEY) is None


async def test_an_attempt_without_its_channel_or_facts_fails_for_good() -> None:
    mastodon = MastodonConfig(instance_url="https://m.example", access_token="tok")
    channel = Channel(id="c1", tenant_id="t1", name="M", config=mastodon)
    post = delivery("mastodon", "@acme@m.example")
    # No sender is reached on these paths.
    senders = None
    gone = await attempt(senders, post, Context(), NOW)  # type: ignore[arg-type]
    assert isinstance(gone, PermanentFailure)
    assert "removed or disabled" in gone.reason
    disabled = Context(channels={("t1", "c1"): channel.model_copy(update={"enabled": False})})
    off = await attempt(senders, post, disabled, NOW)  # type: ignore[arg-type]
    assert isinstance(off, PermanentFailure)
    no_facts = await attempt(senders, post, Context(channels={("t1", "c1"): channel}), NOW)  # type: ignore[arg-type]
    assert isinstance(no_facts, PermanentFailure)
    assert "facts are missing" in no_facts.reason
