"""An inbound webhook source: somewhere outside that posts mentions to us, signed per Standard
Webhooks with a secret of its own."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from listening.domain.ids import new_id


@dataclass(frozen=True, slots=True)
class WebhookSource:
    id: str
    tenant_id: str
    name: str
    created_at: datetime
    secret_generation: int = 1
    """Raised to give the source a new secret (the old one stops verifying at once)."""

    @classmethod
    def create(cls, *, tenant_id: str, name: str, now: datetime) -> WebhookSource:
        return cls(new_id(), tenant_id, name.strip(), now)

    def with_new_secret(self) -> WebhookSource:
        return replace(self, secret_generation=self.secret_generation + 1)
