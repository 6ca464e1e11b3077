"""Standard Webhooks signatures with derived secrets: signed by the library's own signer."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from listening.adapters.webhook_secrets import DerivedWebhookSecrets
from listening.domain.errors import BadSignatureError, InvalidPostError
from listening.domain.webhook_sources import WebhookSource

SOURCE = WebhookSource.create(tenant_id="t1", name="Zapier", now=datetime(2030, 1, 1, tzinfo=UTC))
BODY = b'{"text": "Acme rocks"}'


def signed(secret: str, body: bytes = BODY, *, at: datetime | None = None) -> dict[str, str]:
    moment = at or datetime.now(UTC)
    signature = Webhook(secret).sign("msg_1", moment, body.decode())
    return {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature,
    }


def test_a_delivery_signed_with_the_sources_secret_verifies() -> None:
    secrets = DerivedWebhookSecrets(["key-1"])
    secret = secrets.secret(SOURCE)
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secrets.verify(SOURCE, BODY, signed(secret)) == {"text": "Acme rocks"}


def test_secrets_differ_per_source_and_generation() -> None:
    secrets = DerivedWebhookSecrets(["key-1"])
    other = WebhookSource.create(tenant_id="t1", name="Other", now=SOURCE.created_at)
    renewed = SOURCE.with_new_secret()
    assert len({secrets.secret(SOURCE), secrets.secret(other), secrets.secret(renewed)}) == 3
    with pytest.raises(BadSignatureError):
        secrets.verify(renewed, BODY, signed(secrets.secret(SOURCE)))


def test_keys_rotate() -> None:
    old = DerivedWebhookSecrets(["key-1"])
    rotated = DerivedWebhookSecrets(["key-2", "key-1"])
    assert rotated.verify(SOURCE, BODY, signed(old.secret(SOURCE)))
    assert rotated.secret(SOURCE) != old.secret(SOURCE)
    with pytest.raises(BadSignatureError):
        DerivedWebhookSecrets(["key-2"]).verify(SOURCE, BODY, signed(old.secret(SOURCE)))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"webhook-id": "msg_1", "webhook-timestamp": "x", "webhook-signature": "v1,AAAA"},
        {"webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "garbage"},
        {"webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "v1,!!!"},
    ],
)
def test_malformed_headers_do_not_verify(headers: dict[str, str]) -> None:
    with pytest.raises(BadSignatureError):
        DerivedWebhookSecrets(["key-1"]).verify(SOURCE, BODY, headers)


def test_a_changed_body_or_an_old_timestamp_does_not_verify() -> None:
    secrets = DerivedWebhookSecrets(["key-1"])
    headers = signed(secrets.secret(SOURCE))
    with pytest.raises(BadSignatureError):
        secrets.verify(SOURCE, b'{"text": "Acme sucks"}', headers)
    stale = signed(secrets.secret(SOURCE), at=datetime.now(UTC) - timedelta(minutes=10))
    with pytest.raises(BadSignatureError):
        secrets.verify(SOURCE, BODY, stale)


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]"])
def test_a_signed_body_that_is_not_a_json_object(body: bytes) -> None:
    secrets = DerivedWebhookSecrets(["key-1"])
    with pytest.raises(InvalidPostError):
        secrets.verify(SOURCE, body, signed(secrets.secret(SOURCE), body))


def test_a_body_that_is_not_utf8_does_not_verify() -> None:
    headers = {"webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": "v1,AA=="}
    with pytest.raises(BadSignatureError):
        DerivedWebhookSecrets(["key-1"]).verify(SOURCE, b"\xff\xfe", headers)
