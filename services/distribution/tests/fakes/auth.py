"""Distribution's app running with the test authenticator (:mod:`newsroom_testing.staff`:
fixed tokens for the staff of two tenants, by scope), and settings for API tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from distribution.adapters.crypto import new_key
from distribution.bootstrap import Distribution
from distribution.config import DistributionSettings
from distribution.main import create_app
from newsroom_shared.clock import Clock
from newsroom_testing.staff import SCOPES as SCOPES
from newsroom_testing.staff import TENANTS as TENANTS
from newsroom_testing.staff import TokenAuthenticator, running
from newsroom_testing.staff import app_of as app_of
from newsroom_testing.staff import headers as headers
from newsroom_testing.staff import token as token


@asynccontextmanager
async def staff_api(
    settings: DistributionSettings, clock: Clock | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The app (with the test authenticator) running, and an HTTP client for it."""
    async with running(
        create_app(settings, clock=clock, authenticator=TokenAuthenticator())
    ) as client:
        yield client


def distribution_of(client: httpx.AsyncClient) -> Distribution:
    distribution: Distribution = app_of(client).state.distribution
    return distribution


def api_settings(infra: Any, unique: str, **overrides: Any) -> DistributionSettings:
    """Settings of an API test: its own database, no consumers, the worker driven by the test."""
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": infra.kafka_bootstrap_servers,
        "mongodb_uri": infra.mongodb_uri,
        "mongodb_database": f"test_distribution_{unique}",
        "consumer_group": f"distribution-{unique}",
        "credentials_keys": new_key(),
        "subscriber_token_keys": "token-key-for-tests",
        "recipient_digest_key": "digest-key-for-tests",
        "public_base_url": "https://news.example",
        "public_rate_per_minute": 10_000,
        "public_rate_burst": 1_000,
        "consumers_enabled": False,
        "worker_enabled": False,
        "log_json": False,
    }
    values.update(overrides)
    return DistributionSettings(**values)
