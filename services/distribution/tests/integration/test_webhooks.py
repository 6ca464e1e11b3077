"""Outbound webhooks against a receiver that verifies signatures with `standardwebhooks`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fakes import CLIENT_TIMEOUT, Failure, FakeWebhookReceiver
from fakes.webhooks import SECRET

from distribution.adapters.webhooks import WebhookSender
from distribution.domain.channels import WebhookConfig
from distribution.domain.outcomes import PermanentFailure, Success, TransientFailure

KEY = "4f1c2a4e-0d7b-5b8e-9a0e-3e2d1c0b9a87"
PAYLOAD = {
    "type": "release.published",
    "data": {"release_id": "r-42", "title": "Acme launches the Widget 2 — now €5 cheaper"},
}


@pytest.fixture
def sender(http_client: httpx.AsyncClient) -> WebhookSender:
    return WebhookSender(http_client, timeout=CLIENT_TIMEOUT)


def config_for(receiver: FakeWebhookReceiver, secret: str = SECRET) -> WebhookConfig:
    return WebhookConfig(url=receiver.url, secret=secret, allow_insecure_url=True)


async def test_the_receiver_verifies_the_signature(sender, webhook_receiver):
    outcome = await sender.deliver(config_for(webhook_receiver), PAYLOAD, KEY)

    assert outcome == Success()
    assert webhook_receiver.received[KEY].payload == PAYLOAD
    [request] = webhook_receiver.requests
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == KEY
    assert request.headers["webhook-signature"].startswith("v1,")


async def test_retries_carry_the_same_webhook_id(sender, webhook_receiver):
    config = config_for(webhook_receiver)
    await sender.deliver(config, PAYLOAD, KEY)
    await sender.deliver(config, PAYLOAD, KEY)

    assert [r.headers["webhook-id"] for r in webhook_receiver.requests] == [KEY, KEY]
    assert list(webhook_receiver.received) == [KEY]


async def test_a_tampered_body_is_refused_by_the_receiver(sender, webhook_receiver, http_client):
    await sender.deliver(config_for(webhook_receiver), PAYLOAD, KEY)
    [genuine] = webhook_receiver.requests
    tampered = genuine.body.replace(b"r-42", b"r-43")

    response = await http_client.post(
        webhook_receiver.url, content=tampered, headers=genuine.headers
    )

    assert response.status_code == 401
    assert webhook_receiver.rejected == 1


async def test_a_wrong_secret_is_permanent_with_the_receivers_message(sender, webhook_receiver):
    other_secret = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="

    outcome = await sender.deliver(config_for(webhook_receiver, other_secret), PAYLOAD, KEY)

    assert isinstance(outcome, PermanentFailure)
    assert outcome.reason.startswith("HTTP 401")
    assert "signature check failed" in outcome.reason
    assert webhook_receiver.received == {}


async def test_an_old_timestamp_is_refused(http_client, webhook_receiver):
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    sender = WebhookSender(http_client, CLIENT_TIMEOUT, clock=lambda: long_ago)

    outcome = await sender.deliver(config_for(webhook_receiver), PAYLOAD, KEY)

    assert isinstance(outcome, PermanentFailure)
    assert webhook_receiver.rejected == 1


async def test_rate_limited_is_transient_with_retry_after(sender, webhook_receiver):
    webhook_receiver.fail_next(Failure.RATE_LIMITED)

    outcome = await sender.deliver(config_for(webhook_receiver), PAYLOAD, KEY)

    assert isinstance(outcome, TransientFailure)
    assert outcome.retry_after == timedelta(seconds=42)


async def test_a_hang_times_out_as_transient(sender, webhook_receiver):
    webhook_receiver.fail_next(Failure.HANG)

    outcome = await sender.deliver(config_for(webhook_receiver), PAYLOAD, KEY)

    assert isinstance(outcome, TransientFailure)
    assert "timed out" in outcome.reason
