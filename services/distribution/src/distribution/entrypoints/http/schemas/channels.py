"""Channel answers: settings, and which credentials are set (never their values)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from distribution.domain.channels import Channel
from distribution.domain.failures import FailedAttempt
from distribution.entrypoints.http.schemas.common import Model
from distribution.service.channels import credentials_set, settings_of
from newsroom_shared.events.distribution import ChannelKind


class ChannelOut(BaseModel):
    id: str
    newsroom_id: str | None
    kind: ChannelKind
    name: str
    enabled: bool
    settings: dict[str, Any]
    credentials_set: list[str] = Field(description="Which credentials are set (never their value)")

    @classmethod
    def of(cls, channel: Channel) -> ChannelOut:
        return cls(
            id=channel.id,
            newsroom_id=channel.newsroom_id,
            kind=channel.kind,
            name=channel.name,
            enabled=channel.enabled,
            settings=settings_of(channel.config),
            credentials_set=credentials_set(channel.config),
        )


class ChannelCreated(ChannelOut):
    webhook_secret: str | None = Field(
        default=None,
        description="Webhook channels: the Standard Webhooks signing secret (`whsec_...`), "
        "shown in this answer only",
    )


class FailedAttemptOut(Model):
    """One attempt that did not deliver."""

    id: str
    delivery_id: str
    release_id: str
    attempt: int = Field(description="Which attempt of the delivery this was (1 = the first)")
    at: datetime
    error: str
    final: bool = Field(
        description="This failure ended the delivery (a permanent error, or out of retries); "
        "a failed delivery can be retried with POST /v1/deliveries/{id}/retry"
    )
    retry_at: datetime | None = Field(description="When the delivery is tried again (not final)")

    @classmethod
    def of(cls, entry_id: str, entry: FailedAttempt) -> FailedAttemptOut:
        return cls(
            id=entry_id,
            delivery_id=entry.delivery_id,
            release_id=entry.release_id,
            attempt=entry.attempt,
            at=entry.at,
            error=entry.error,
            final=entry.final,
            retry_at=entry.retry_at,
        )
