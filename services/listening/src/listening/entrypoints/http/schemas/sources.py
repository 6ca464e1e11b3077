"""Bodies of the webhook sources API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from listening.domain.webhook_sources import WebhookSource


class WebhookSourceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, pattern=r"\S")


class WebhookSourceOut(BaseModel):
    id: str
    name: str
    created_at: datetime
    inbound_url: str = Field(description="Where the source POSTs its posts, signed")

    @classmethod
    def of(cls, source: WebhookSource, base_url: str) -> WebhookSourceOut:
        return cls(
            id=source.id,
            name=source.name,
            created_at=source.created_at,
            inbound_url=f"{base_url.rstrip('/')}/v1/inbound/webhooks/{source.id}",
        )


class WebhookSourceCreated(WebhookSourceOut):
    secret: str = Field(
        description="The Standard Webhooks signing secret (whsec_...): shown once, keep it"
    )
