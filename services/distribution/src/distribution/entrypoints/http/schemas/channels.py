"""Channel bodies: settings and credentials apart; credentials never come back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from distribution.domain.channels import Channel
from distribution.domain.failures import FailedAttempt
from distribution.entrypoints.http.schemas.common import Id, Model
from distribution.service.channels import credentials_set, settings_of
from newsroom_shared.events.distribution import ChannelKind

SETTINGS_HELP = """The kind's settings (not secret):
mastodon `instance_url`, `visibility`; bluesky `service_url`, `handle`; x `account`;
linkedin `organization_urn`; facebook `page_id`; webhook `url`, `event_types`;
email `sender`, `sender_name`, `reply_to`. Outbound URLs must be public https URLs."""
CREDENTIALS_HELP = """The kind's credentials, stored encrypted and never returned:
mastodon `access_token`; bluesky `app_password`; x `access_token`, `refresh_token`;
linkedin `access_token`; facebook `page_access_token`; webhook: none (the secret is generated
and returned once); email: none."""
Name = Annotated[str, Field(min_length=1, max_length=100)]
Settings = Annotated[dict[str, Any], Field(description=SETTINGS_HELP, max_length=20)]
Credentials = Annotated[
    dict[str, Annotated[str, Field(max_length=4096)]],
    Field(description=CREDENTIALS_HELP, max_length=10),
]


class ChannelCreate(Model):
    newsroom_id: Id = Field(description="The newsroom it serves (taken as given, per tenant)")
    kind: ChannelKind
    name: Name
    enabled: bool = True
    settings: Settings = Field(default_factory=dict)
    credentials: Credentials = Field(default_factory=dict)


class ChannelUpdate(Model):
    """Only the fields given change; settings and credentials are each replaced whole."""

    name: Name | None = None
    enabled: bool | None = None
    settings: Settings | None = None
    credentials: Credentials | None = None


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
