"""Alerts to a tenant's staff: a listening spike (``MentionSpike``) delivered through the
channels the tenant chose for alerts, as deliveries of the same machinery as releases.

An alert is planned like a release: one delivery per (alert, channel, recipient), its id derived
from them, so a redelivered spike plans nothing new. Its ``release_id`` holds the alert's id
(:func:`alert_id`, derived from the spike event's id) and its ``alert`` flag is set. Emails go
to the staff addresses of the tenant's alert recipients (the delivery's recipient is the
address: staff are not subscribers, there is no subscriber record to point at), through the
pseudo-channel :data:`ALERT_EMAIL_CHANNEL`; webhooks go to the tenant's webhook channels it
named, signed with their secrets like every other webhook.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from distribution.domain.delivery import Delivery

_ALERT_NAMESPACE = uuid.UUID("3c1f7a52-2b8e-4f57-9d0a-8e6b7c2d4f19")
ALERT_EMAIL_CHANNEL = "alert-email"
"""The channel id of alert emails: their settings are the tenant's alert recipients."""
MAX_ALERT_EMAILS = 20
MAX_ALERT_WEBHOOKS = 5


@dataclass(frozen=True, slots=True)
class AlertRecipients:
    """Where a tenant's alerts go: staff email addresses and webhook channels of its own."""

    tenant_id: str
    emails: tuple[str, ...]
    webhook_channel_ids: tuple[str, ...]
    updated_at: datetime

    @property
    def empty(self) -> bool:
        return not self.emails and not self.webhook_channel_ids


def alert_id(event_id: str) -> str:
    """The alert of one spike event: the same for a redelivered event."""
    return str(uuid.uuid5(_ALERT_NAMESPACE, event_id))


@dataclass(frozen=True, slots=True)
class AlertWebhook:
    """What planning needs of a webhook channel."""

    id: str
    recipient: str


def plan_alert(
    alert: str,
    recipients: AlertRecipients,
    webhooks: Iterable[AlertWebhook],
    now: datetime,
) -> list[Delivery]:
    """One delivery per staff address and per named webhook channel (enabled ones: the
    caller's choice)."""

    def planned(channel_id: str, kind: str, recipient: str) -> Delivery:
        return Delivery.plan(
            tenant_id=recipients.tenant_id,
            release_id=alert,
            newsroom_id="",
            channel_id=channel_id,
            channel_kind="email" if kind == "email" else "webhook",
            recipient=recipient,
            now=now,
            alert=True,
        )

    deliveries = [planned(ALERT_EMAIL_CHANNEL, "email", email) for email in recipients.emails]
    deliveries += [planned(hook.id, "webhook", hook.recipient) for hook in webhooks]
    return deliveries
