"""Subscriber tokens (purpose, expiry, rotation) and Standard Webhooks signatures."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from distribution.adapters.signing import (
    SubscriberTokens,
    TokenProblem,
    TokenPurpose,
    new_webhook_secret,
    webhook_headers,
)
from distribution.domain.channels import WebhookConfig

PAYLOAD = {"tenant_id": "t1", "subscriber_id": "s1"}


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_token_verifies_for_its_purpose():
    tokens = SubscriberTokens(["key-1"])
    for purpose in TokenPurpose:
        check = tokens.verify(purpose, tokens.issue(purpose, PAYLOAD))
        assert check.ok
        assert check.payload == PAYLOAD


def test_a_token_of_another_purpose_is_refused_as_such():
    tokens = SubscriberTokens(["key-1"])
    unsubscribe = tokens.issue(TokenPurpose.UNSUBSCRIBE, PAYLOAD)
    check = tokens.verify(TokenPurpose.CONFIRM_SUBSCRIPTION, unsubscribe)
    assert not check.ok
    assert check.problem is TokenProblem.WRONG_PURPOSE
    assert check.payload is None


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + "xx", lambda t: "x" + t, lambda t: "", str.upper]
)
def test_tampered_tokens_are_invalid(mangle):
    tokens = SubscriberTokens(["key-1"])
    token = tokens.issue(TokenPurpose.UNSUBSCRIBE, PAYLOAD)
    assert tokens.verify(TokenPurpose.UNSUBSCRIBE, mangle(token)).problem is TokenProblem.INVALID


def test_another_key_makes_a_token_invalid():
    token = SubscriberTokens(["key-1"]).issue(TokenPurpose.UNSUBSCRIBE, PAYLOAD)
    check = SubscriberTokens(["key-2"]).verify(TokenPurpose.UNSUBSCRIBE, token)
    assert check.problem is TokenProblem.INVALID


def test_rotated_keys_still_verify_old_tokens():
    old = SubscriberTokens(["key-1"]).issue(TokenPurpose.UNSUBSCRIBE, PAYLOAD)
    rotated = SubscriberTokens(["key-2", "key-1"])
    assert rotated.verify(TokenPurpose.UNSUBSCRIBE, old).ok
    new = rotated.issue(TokenPurpose.UNSUBSCRIBE, PAYLOAD)
    assert SubscriberTokens(["key-2"]).verify(TokenPurpose.UNSUBSCRIBE, new).ok


def test_confirmation_expires_after_48_hours_and_unsubscribe_never():
    clock = FakeTime()
    tokens = SubscriberTokens(["key-1"], clock=clock)
    confirm = tokens.issue(TokenPurpose.CONFIRM_SUBSCRIPTION, PAYLOAD)
    unsubscribe = tokens.issue(TokenPurpose.UNSUBSCRIBE, PAYLOAD)
    clock.now += timedelta(hours=47).total_seconds()
    assert tokens.verify(TokenPurpose.CONFIRM_SUBSCRIPTION, confirm).ok
    clock.now += timedelta(hours=2).total_seconds()
    assert tokens.verify(TokenPurpose.CONFIRM_SUBSCRIPTION, confirm).problem is TokenProblem.EXPIRED
    clock.now += timedelta(days=3650).total_seconds()
    assert tokens.verify(TokenPurpose.UNSUBSCRIBE, unsubscribe).ok


def test_empty_keys_are_refused():
    with pytest.raises(ValueError, match="secret key"):
        SubscriberTokens([""])


def test_new_secrets_are_valid_channel_secrets():
    secret = new_webhook_secret()
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    WebhookConfig(url="https://hooks.example/", secret=secret)
    assert new_webhook_secret() != secret


def signed(secret: str, sent_at: datetime) -> tuple[str, dict[str, str]]:
    body = json.dumps({"type": "release.published", "data": {"release_id": "r1"}})
    return body, webhook_headers(secret, "msg_delivery-1", body, sent_at)


def test_signed_webhooks_verify_with_the_standard_library():
    secret = new_webhook_secret()
    body, headers = signed(secret, datetime.now(UTC))
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(body, headers) == json.loads(body)


def test_a_tampered_body_fails_verification():
    secret = new_webhook_secret()
    body, headers = signed(secret, datetime.now(UTC))
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(secret).verify(body.replace("r1", "r2"), headers)


def test_another_secret_fails_verification():
    body, headers = signed(new_webhook_secret(), datetime.now(UTC))
    with pytest.raises(WebhookVerificationError):
        Webhook(new_webhook_secret()).verify(body, headers)


def test_an_old_timestamp_fails_verification():
    secret = new_webhook_secret()
    body, headers = signed(secret, datetime.now(UTC) - timedelta(minutes=10))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, headers)


def test_a_non_utc_send_time_signs_the_same_moment():
    secret = new_webhook_secret()
    berlin = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin"))
    body, headers = signed(secret, berlin)
    assert Webhook(secret).verify(body, headers)
