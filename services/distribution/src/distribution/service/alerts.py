"""Staff alerts: the tenant's alert recipients (by staff API), and a listening spike planned
as deliveries to them (the worker sends them like any delivery: claims, outcomes, events)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from distribution.domain.alerts import (
    MAX_ALERT_EMAILS,
    MAX_ALERT_WEBHOOKS,
    AlertRecipients,
    AlertWebhook,
    alert_id,
    plan_alert,
)
from distribution.domain.channels import WebhookConfig
from distribution.domain.subscribers import InvalidSubscriberError, normalise_email
from distribution.service.errors import InvalidInputError
from distribution.service.ports import UnitOfWork
from newsroom_shared.events.listening import MentionSpike


async def get_recipients(uow: UnitOfWork, tenant_id: str, now: datetime) -> AlertRecipients:
    """The tenant's setting; nobody (no alerts sent) until it is set."""
    found = await uow.alert_recipients.get(tenant_id)
    return found or AlertRecipients(tenant_id, (), (), now)


async def set_recipients(
    uow: UnitOfWork,
    tenant_id: str,
    emails: Sequence[str],
    webhook_channel_ids: Sequence[str],
    now: datetime,
) -> AlertRecipients:
    """Replaces the setting. Every webhook must be a webhook channel of the tenant (another
    tenant's is "unknown", as one that does not exist)."""
    if len(emails) > MAX_ALERT_EMAILS:
        raise InvalidInputError("emails", f"at most {MAX_ALERT_EMAILS} addresses")
    if len(webhook_channel_ids) > MAX_ALERT_WEBHOOKS:
        raise InvalidInputError("webhook_channel_ids", f"at most {MAX_ALERT_WEBHOOKS} channels")
    try:
        addresses = tuple(dict.fromkeys(normalise_email(email) for email in emails))
    except InvalidSubscriberError as error:
        raise InvalidInputError("emails", str(error)) from error
    hooks = tuple(dict.fromkeys(webhook_channel_ids))
    found = await uow.channels.of_ids(tenant_id, list(hooks))
    for channel_id in hooks:
        channel = found.get(channel_id)
        if channel is None or not isinstance(channel.config, WebhookConfig):
            raise InvalidInputError(
                "webhook_channel_ids", f"{channel_id!r} is not a webhook channel of yours"
            )
    recipients = AlertRecipients(tenant_id, addresses, hooks, now)
    await uow.alert_recipients.save(recipients)
    return recipients


async def plan_spike_alert(
    uow: UnitOfWork, spike: MentionSpike, event_id: str, now: datetime
) -> int:
    """The spike's alert planned to the tenant's recipients; returns how many deliveries are
    new (none for a redelivered spike, or a tenant that named no recipients)."""
    recipients = await uow.alert_recipients.get(spike.tenant_id)
    if recipients is None or recipients.empty:
        return 0
    alert = alert_id(event_id)
    await uow.alerts.remember(alert, spike)
    channels = await uow.channels.of_ids(spike.tenant_id, list(recipients.webhook_channel_ids))
    webhooks = [
        AlertWebhook(channel.id, channel.recipient)
        for channel in channels.values()
        if channel.enabled and isinstance(channel.config, WebhookConfig)
    ]
    new = await uow.deliveries.add_new(plan_alert(alert, recipients, webhooks, now))
    return len(new)
