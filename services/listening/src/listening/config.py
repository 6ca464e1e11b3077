"""Listening settings: environment variables ``LISTENING_*`` (connections also unprefixed)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from newsroom_shared.config import ServiceSettings


class ListeningSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore", env_prefix="LISTENING_")
    service_name: ClassVar[str] = "listening"

    public_base_url: str = Field(
        default="http://127.0.0.1:8005",
        description="Base of this API's public URLs (a webhook source's inbound URL), no "
        "trailing slash",
    )
    queries_poll_interval_s: float = Field(
        default=2.0,
        gt=0,
        description="How often each replica checks whether any tenant's queries changed (one "
        "read of a version counter); a change made through this replica applies at once",
    )
    max_queries_per_tenant: int = Field(default=1000, ge=1, description="Queries a tenant may keep")
    webhook_secret_keys: SecretStr | None = Field(
        default=None,
        description="Keys inbound webhook secrets are derived from, comma-separated, newest "
        "first; unset: a random key per process (dev only: secrets then die with it)",
    )
    inbound_rate_per_minute: int = Field(
        default=600,
        ge=1,
        description="Inbound webhooks: deliveries per minute per source and replica (a relay "
        "such as Zapier sends for many sources from the same addresses, so the limit is per "
        "source, not per client address)",
    )
    inbound_rate_burst: int = Field(
        default=100, ge=1, description="Inbound webhooks: deliveries at once per source"
    )
    near_copy_window_days: int = Field(
        default=7, ge=1, description="How far back a near copy of a mention's text is looked for"
    )
