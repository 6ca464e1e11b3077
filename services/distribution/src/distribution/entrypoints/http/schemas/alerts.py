"""Alert recipients bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from distribution.domain.alerts import MAX_ALERT_EMAILS, MAX_ALERT_WEBHOOKS, AlertRecipients
from distribution.entrypoints.http.schemas.common import Email, Id, Model


class AlertRecipientsIn(Model):
    emails: list[Email] = Field(
        default_factory=list,
        max_length=MAX_ALERT_EMAILS,
        description="Staff addresses every alert is emailed to",
    )
    webhook_channel_ids: list[Id] = Field(
        default_factory=list,
        max_length=MAX_ALERT_WEBHOOKS,
        description="Webhook channels of yours every alert is posted to (signed with the "
        "channel's secret, as its release events are)",
    )


class AlertRecipientsOut(BaseModel):
    emails: list[str]
    webhook_channel_ids: list[str]
    updated_at: datetime

    @classmethod
    def of(cls, recipients: AlertRecipients) -> AlertRecipientsOut:
        return cls(
            emails=list(recipients.emails),
            webhook_channel_ids=list(recipients.webhook_channel_ids),
            updated_at=recipients.updated_at,
        )
