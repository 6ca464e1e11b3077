"""The confirmation mailer's use case on in-memory ports: a pending reader gets one email with
a signed confirm link, in the newsroom's name; a reader who left, was suppressed or lost the
channel gets none; a transient SMTP failure is tried again later."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest

from distribution.domain.confirmations import ConfirmationStatus
from distribution.domain.outcomes import TransientFailure
from distribution.domain.suppressions import Suppression, SuppressionReason
from distribution.service import confirmations, subscribers
from distribution.service.subscribers import SubscribeRequest

TENANT = "tenant-a"
LEASE = timedelta(minutes=5)


@pytest.fixture
async def pending(units, clock, seed):
    """Jane asked to subscribe to the newsroom "acme"; her confirmation email is due."""
    seed.newsroom(TENANT, "n1", slug="acme")
    seed.email_channel(TENANT, "n1")
    request = SubscribeRequest(
        newsroom_slug="acme", email="jane@example.org", language=None, categories=(), ip_hash=None
    )
    now = clock.now()
    await units.transact(lambda uow: subscribers.subscribe(uow, request, now))
    [subscriber] = units.store.subscribers.values()
    return subscriber


async def send_due(units, far, clock) -> int:
    return await confirmations.send_due(units, far.senders, clock, limit=10, lease=LEASE)


async def test_a_pending_reader_gets_one_email_with_a_confirm_link(
    units, far, clock, pending
) -> None:
    assert await send_due(units, far, clock) == 1
    [message] = far.email.sent
    assert isinstance(message, EmailMessage)
    assert message["To"] == "jane@example.org"
    assert "Acme Press Room" in str(message["Subject"])  # the newsroom's name, not the channel's
    body = message.get_body(("plain",))
    assert body is not None
    link = f"https://news.test/v1/public/subscriptions/confirm/confirm-subscription.{TENANT}."
    assert link + pending.id in body.get_content()
    [confirmation] = units.store.confirmations.values()
    assert (confirmation.status, confirmation.sent_at) == (ConfirmationStatus.SENT, clock.now())
    assert await send_due(units, far, clock) == 0  # sent once


@pytest.mark.parametrize("why", ["confirmed", "suppressed", "channel gone"])
async def test_no_email_when_it_is_no_longer_wanted(units, far, clock, pending, why) -> None:
    if why == "confirmed":
        units.store.subscribers[pending.id] = pending.confirm(clock.now())
    elif why == "suppressed":
        units.store.suppressions[(TENANT, pending.email)] = Suppression(
            TENANT, pending.email, SuppressionReason.MANUAL, clock.now()
        )
    else:
        units.store.channels.clear()
    assert await send_due(units, far, clock) == 1
    assert far.email.sent == []
    [confirmation] = units.store.confirmations.values()
    assert confirmation.status is ConfirmationStatus.CANCELLED


async def test_a_transient_failure_is_tried_again_later(units, far, clock, pending) -> None:
    far.email.outcome = TransientFailure("421 try later")
    await send_due(units, far, clock)
    [confirmation] = units.store.confirmations.values()
    assert confirmation.status is ConfirmationStatus.PENDING
    assert confirmation.next_attempt_at > clock.now()
    assert await send_due(units, far, clock) == 0
    clock.set(confirmation.next_attempt_at + timedelta(seconds=1))
    far.email.outcome = TransientFailure("421 still busy")
    assert await send_due(units, far, clock) == 1
    assert len(far.email.sent) == 2
    assert far.email.sent[0]["Message-ID"] == far.email.sent[1]["Message-ID"]
