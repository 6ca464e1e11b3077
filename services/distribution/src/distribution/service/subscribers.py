"""Subscribers: the public double opt-in (subscribe, confirm) and staff views, export, erasure.

Subscribing answers the same whatever the address's state (no enumeration); the pending
subscriber and its confirmation email are written in one transaction, and the mailer sends the
email once. A reader names the newsroom by its public slug; the newsroom read model (the
publisher's events) gives its tenant, and the newsroom takes subscribers only if that tenant
gave it an email channel, which gives the sender.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from distribution.domain.channels import Channel
from distribution.domain.confirmations import ConfirmationEmail, may_resend
from distribution.domain.newsrooms import Newsroom
from distribution.domain.subscribers import (
    Consent,
    Subscriber,
    SubscriberStatus,
    export,
    keyed_digest,
)
from distribution.service.errors import ConflictError, NotFoundError
from distribution.service.newsrooms import public_newsroom
from distribution.service.ports import UnitOfWork
from distribution.service.suppressions import address


async def email_channel_of(uow: UnitOfWork, newsroom: Newsroom) -> Channel:
    """The newsroom's email channel (its own tenant's); 404 when it has none."""
    channels = await uow.channels.email_channels_of_newsroom(newsroom.tenant_id, newsroom.id)
    if not channels:
        raise NotFoundError("this newsroom takes no subscribers")
    return min(channels, key=lambda c: c.id)


@dataclass(frozen=True, slots=True)
class SubscribeRequest:
    newsroom_slug: str
    email: str
    language: str | None
    categories: tuple[str, ...]
    ip_hash: str | None


async def subscribe(uow: UnitOfWork, request: SubscribeRequest, now: datetime) -> None:
    """Starts (or restarts) the double opt-in; does nothing visible for a known address."""
    email = address(request.email)
    newsroom = await public_newsroom(uow, request.newsroom_slug)
    channel = await email_channel_of(uow, newsroom)
    tenant_id = newsroom.tenant_id
    if await uow.suppressions.suppressed(tenant_id, [email]):
        return  # never mailed again; the answer does not say so
    consent = Consent(given_at=now, method="double_opt_in", ip_hash=request.ip_hash)
    found = await uow.subscribers.of_newsroom_with_email(tenant_id, newsroom.id, email)
    if found is None:
        subscriber = Subscriber.create(
            subscriber_id=uuid.uuid4().hex,
            tenant_id=tenant_id,
            newsroom_id=newsroom.id,
            email=email,
            consent=consent,
            now=now,
            language=request.language,
            categories=request.categories,
        )
    elif found.status is SubscriberStatus.UNSUBSCRIBED:
        subscriber = found.resubscribe(consent).with_preferences(
            language=request.language, categories=request.categories
        )
    elif found.status is SubscriberStatus.PENDING_CONFIRMATION:
        latest = await uow.confirmations.latest(tenant_id, found.id)
        if not may_resend(latest, now):
            return
        subscriber = found
    else:
        return  # confirmed: nothing to do, and nothing to tell
    await uow.subscribers.save(subscriber)
    await uow.confirmations.add(
        ConfirmationEmail.plan(
            tenant_id=tenant_id,
            newsroom_id=newsroom.id,
            subscriber_id=subscriber.id,
            channel_id=channel.id,
            now=now,
        )
    )


async def confirm(uow: UnitOfWork, tenant_id: str, subscriber_id: str, now: datetime) -> None:
    """Confirms a pending subscription (idempotent once confirmed)."""
    found = (await uow.subscribers.of_ids(tenant_id, [subscriber_id])).get(subscriber_id)
    if found is None:
        raise NotFoundError("No such subscription (it may have been erased)")
    if found.status is SubscriberStatus.CONFIRMED:
        return
    if found.status is SubscriberStatus.UNSUBSCRIBED:
        raise ConflictError(
            "This subscription was cancelled: subscribe again to get a new link",
            code="unsubscribed",
        )
    await uow.subscribers.save(found.confirm(now))


async def list_subscribers(
    uow: UnitOfWork,
    tenant_id: str,
    *,
    newsroom_id: str | None,
    status: str | None,
    after_id: str | None,
    limit: int,
) -> list[Subscriber]:
    return await uow.subscribers.page(
        tenant_id, newsroom_id=newsroom_id, status=status, after_id=after_id, limit=limit
    )


async def export_address(uow: UnitOfWork, tenant_id: str, email: str) -> dict[str, Any]:
    """Everything the tenant holds about the address (GDPR art. 15 / 20)."""
    normalised = address(email)
    subscribers = await uow.subscribers.with_email(tenant_id, normalised)
    suppression = await uow.suppressions.get(tenant_id, normalised)
    if not subscribers and suppression is None:
        raise NotFoundError("nothing is stored about this address")
    ids = [s.id for s in subscribers]
    deliveries = await uow.deliveries.to_recipients(tenant_id, ids) if ids else []
    confirmations = await uow.confirmations.of_subscribers(tenant_id, ids) if ids else []
    return {
        "email": normalised,
        "subscriptions": [export(s) for s in subscribers],
        "suppression": None
        if suppression is None
        else {"reason": str(suppression.reason), "since": suppression.created_at.isoformat()},
        "confirmation_emails": [
            {
                "newsroom_id": c["newsroom_id"],
                "created_at": _iso(c["created_at"]),
                "status": c["status"],
                "sent_at": _iso(c.get("sent_at")),
            }
            for c in confirmations
        ],
        "deliveries": [
            {
                "id": d.id,
                "release_id": d.release_id,
                "newsroom_id": d.newsroom_id,
                "channel_id": d.channel_id,
                "status": str(d.status),
                "attempts": d.attempts,
                "created_at": _iso(d.created_at),
                "sent_at": _iso(d.sent_at),
            }
            for d in deliveries
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def erase_address(
    uow: UnitOfWork, tenant_id: str, email: str, digest_key: bytes, now: datetime
) -> int:
    """GDPR art. 17: the address's subscriptions removed, its pending deliveries cancelled, its
    deliveries keep only a keyed digest; returns how many subscriptions were erased."""
    normalised = address(email)
    subscribers = await uow.subscribers.with_email(tenant_id, normalised)
    ids = [s.id for s in subscribers]
    if not ids:
        return 0
    await uow.deliveries.cancel_pending(
        tenant_id, reason="the subscriber was erased", now=now, recipients=ids
    )
    digest = keyed_digest(normalised, digest_key)
    for subscriber_id in ids:
        await uow.deliveries.mark_recipient_erased(tenant_id, subscriber_id, digest)
    await uow.confirmations.remove_of_subscribers(tenant_id, ids)
    await uow.subscribers.remove(tenant_id, ids)
    return len(ids)


def categories_of(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(values or ())
