"""Listening settings: environment variables ``LISTENING_*`` (connections also unprefixed)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from newsroom_shared.config import ServiceSettings


class ListeningSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore", env_prefix="LISTENING_")
    service_name: ClassVar[str] = "listening"

    queries_poll_interval_s: float = Field(
        default=2.0,
        gt=0,
        description="How often each replica checks whether any tenant's queries changed (one "
        "read of a version counter); a change made through this replica applies at once",
    )
    max_queries_per_tenant: int = Field(default=1000, ge=1, description="Queries a tenant may keep")
    webhook_tolerance_s: int = Field(
        default=300,
        ge=1,
        description="Inbound webhooks: how far a signature's timestamp may be from now (replays)",
    )
