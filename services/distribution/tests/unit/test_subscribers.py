"""Subscribers: address rules, the status table, who matches a release, export and erasure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from distribution.domain.subscribers import (
    Consent,
    IllegalSubscriberTransitionError,
    InvalidSubscriberError,
    Subscriber,
    SubscriberStatus,
    erase,
    export,
    keyed_digest,
    language_matches,
    matches,
    normalise_email,
)

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
CONSENT = Consent(given_at=NOW, method="double_opt_in", ip_hash="ab12")


@dataclass(frozen=True)
class Release:
    tenant_id: str = "t1"
    newsroom_id: str = "n1"
    language: str = "de-AT"
    categories: list[str] = field(default_factory=lambda: ["Product", "Finance"])


def make(**changes: object) -> Subscriber:
    arguments: dict[str, object] = {
        "subscriber_id": "s1",
        "tenant_id": "t1",
        "newsroom_id": "n1",
        "email": "  Jane.Doe@Example.COM ",
        "consent": CONSENT,
        "now": NOW,
        **changes,
    }
    return Subscriber.create(**arguments)  # type: ignore[arg-type]


def confirmed(**changes: object) -> Subscriber:
    return make(**changes).confirm(NOW + timedelta(minutes=5))


def test_addresses_are_normalised():
    assert make().email == "jane.doe@example.com"
    assert normalise_email("user@bücher.example") == "user@bücher.example"


@pytest.mark.parametrize("bad", ["", "no-at-sign", "a@b", "two@@example.com", "x@-bad-.com"])
def test_invalid_addresses_are_refused_with_the_reason(bad):
    with pytest.raises(InvalidSubscriberError, match=r"^email: "):
        normalise_email(bad)


def test_confirmation_records_when_in_the_consent():
    subscriber = confirmed()
    assert subscriber.status is SubscriberStatus.CONFIRMED
    assert subscriber.consent.confirmed_at == NOW + timedelta(minutes=5)
    assert subscriber.consent.given_at == NOW


def test_unsubscribe_is_idempotent_and_resubscribing_needs_a_new_opt_in():
    gone = confirmed().unsubscribe(NOW)
    assert gone.status is SubscriberStatus.UNSUBSCRIBED
    assert gone.unsubscribe(NOW + timedelta(1)) == gone
    with pytest.raises(IllegalSubscriberTransitionError, match="cannot confirm"):
        gone.confirm(NOW)
    fresh = Consent(given_at=NOW + timedelta(days=2), method="double_opt_in")
    back = gone.resubscribe(fresh)
    assert back.status is SubscriberStatus.PENDING_CONFIRMATION
    assert back.consent == fresh
    assert back.unsubscribed_at is None


def test_only_reachable_subscribers_match():
    release = Release()
    assert matches(confirmed(), release)
    assert not matches(make(), release)  # not confirmed yet
    assert not matches(confirmed().unsubscribe(NOW), release)
    assert not matches(confirmed().mark_bounced(), release)
    assert not matches(confirmed().mark_complained(), release)


def test_matching_stays_within_tenant_and_newsroom():
    assert not matches(confirmed(), Release(tenant_id="t2"))
    assert not matches(confirmed(), Release(newsroom_id="n2"))


@pytest.mark.parametrize(
    ("wanted", "release", "expected"),
    [(None, "fr", True), ("de", "de-AT", True), ("de", "de", True), ("de-at", "de-AT", True),
     ("de-at", "de", False), ("en", "de-AT", False)],
)  # fmt: skip
def test_language_rules(wanted, release, expected):
    assert language_matches(wanted, release) is expected


def test_categories_empty_or_overlapping():
    assert matches(confirmed(categories=[]), Release())
    assert matches(confirmed(categories=["finance "]), Release())
    assert not matches(confirmed(categories=["Sports"]), Release())
    assert matches(confirmed(language="DE"), Release())
    assert not matches(confirmed(language="en"), Release())


def test_export_holds_all_we_know():
    data = export(confirmed(language="de", categories=["Product"]))
    assert data["email"] == "jane.doe@example.com"
    assert data["status"] == "confirmed"
    assert data["categories"] == ["Product"]
    assert data["consent"] == {
        "given_at": NOW.isoformat(),
        "method": "double_opt_in",
        "ip_hash": "ab12",
        "confirmed_at": (NOW + timedelta(minutes=5)).isoformat(),
    }
    assert set(data) >= {"language", "bounced", "complained", "journalist", "created_at"}


def test_erasure_keeps_only_a_keyed_digest_for_suppression():
    subscriber = confirmed()
    erased = erase(subscriber, digest_key=b"k" * 32, now=NOW)
    assert erased.email_digest == keyed_digest("jane.doe@example.com", b"k" * 32)
    assert erased.email_digest != keyed_digest("jane.doe@example.com", b"other-key")
    kept = {name: getattr(erased, name) for name in erased.__dataclass_fields__}
    assert "jane" not in repr(kept).lower()
    assert "ab12" not in repr(kept)
