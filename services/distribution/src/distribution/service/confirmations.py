"""Sending the double opt-in emails: claim due ones (a lease, like deliveries), build each in
the subscriber's language with a signed, expiring confirm link, send, record the result.

The email goes only while the subscriber is still pending and not suppressed (checked right
before sending); the Message-ID is the record's id, the same on a retry.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta

from distribution.domain.channels import EmailConfig
from distribution.domain.confirmations import ConfirmationEmail
from distribution.domain.email.confirmation import ConfirmationRequest, confirmation_message
from distribution.domain.email.rendering import Sender
from distribution.domain.outcomes import DEFAULT_POLICY, Success, TransientFailure
from distribution.domain.subscribers import SubscriberStatus
from distribution.domain.tokens import MAX_AGE, TokenPurpose
from distribution.service.dispatch import Senders
from distribution.service.ports import UnitOfWork, UnitsOfWork
from newsroom_shared.clock import Clock

logger = logging.getLogger(__name__)

CONFIRM_PATH = "/v1/public/subscriptions/confirm/"


async def claim_due(
    uow: UnitOfWork, now: datetime, limit: int, lease: timedelta
) -> tuple[str, list[ConfirmationEmail]]:
    claim = uuid.uuid4().hex
    return claim, await uow.confirmations.claim_due(
        now, limit, claim=claim, lease_until=now + lease
    )


async def send_due(
    units: UnitsOfWork, senders: Senders, clock: Clock, *, limit: int, lease: timedelta
) -> int:
    """Claims up to ``limit`` due confirmation emails and sends them; returns how many were
    claimed. One that fails unexpectedly is logged; its lease brings it back.

    The claim needs no transaction (each email is claimed atomically, as deliveries are): an
    idle pass is one read."""
    now = clock.now()
    claim, due = await claim_due(units.reader(), now, limit, lease)
    results = await asyncio.gather(
        *(send_one(units, senders, clock, c, claim) for c in due), return_exceptions=True
    )
    for confirmation, result in zip(due, results, strict=True):
        if isinstance(result, BaseException):
            logger.error(
                "confirmation %s: sending raised; its lease brings it back",
                confirmation.id,
                exc_info=result,
            )
    return len(due)


def confirm_url(senders: Senders, tenant_id: str, subscriber_id: str) -> str:
    token = senders.tokens.issue(
        TokenPurpose.CONFIRM_SUBSCRIPTION, {"t": tenant_id, "s": subscriber_id}
    )
    return f"{senders.public_base_url}{CONFIRM_PATH}{token}"


async def send_one(
    units: UnitsOfWork,
    senders: Senders,
    clock: Clock,
    confirmation: ConfirmationEmail,
    claim: str,
) -> None:
    """Sends one claimed confirmation email (or cancels it) and records what happened."""
    reader = units.reader()
    tenant = confirmation.tenant_id
    subscriber = (await reader.subscribers.of_ids(tenant, [confirmation.subscriber_id])).get(
        confirmation.subscriber_id
    )
    channel = await reader.channels.get(tenant, confirmation.channel_id)
    newsroom = await reader.newsrooms.get(tenant, confirmation.newsroom_id)
    now = clock.now()
    if subscriber is None or subscriber.status is not SubscriberStatus.PENDING_CONFIRMATION:
        after = confirmation.cancelled("the subscriber is no longer awaiting confirmation")
    elif await reader.suppressions.suppressed(tenant, [subscriber.email]):
        after = confirmation.cancelled("the address is suppressed")
    elif channel is None or not channel.enabled or not isinstance(channel.config, EmailConfig):
        after = confirmation.cancelled("the newsroom's email channel is gone or disabled")
    else:
        config = channel.config
        max_age = MAX_AGE[TokenPurpose.CONFIRM_SUBSCRIPTION]
        request = ConfirmationRequest(
            message_id=confirmation.id,
            to=subscriber.email,
            # The reader subscribed to the newsroom: name it (a channel's name is staff's label;
            # only a confirmation planned before the newsroom read model existed lacks it).
            newsroom_name=newsroom.name if newsroom else config.sender_name or channel.name,
            confirm_url=confirm_url(senders, tenant, subscriber.id),
            language=subscriber.language,
            valid_hours=int(max_age.total_seconds() // 3600) if max_age else 0,
        )
        sender = Sender(address=config.sender, name=config.sender_name, reply_to=config.reply_to)
        message = confirmation_message(request, sender=sender, now=now)
        outcome = await senders.smtp.send(message)
        now = clock.now()
        if isinstance(outcome, Success):
            after = confirmation.sent(now)
        else:
            retry_at = None
            if isinstance(outcome, TransientFailure):
                retry_at = now + DEFAULT_POLICY.wait(confirmation.attempts, outcome.retry_after)
            after = confirmation.failed(outcome.reason, retry_at=retry_at)
    await units.transact(lambda uow: uow.confirmations.finish(after, claim))
