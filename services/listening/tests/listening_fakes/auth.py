"""A test authenticator (fixed tokens for the staff of two tenants, by scope) and the app
running with it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from listening.bootstrap import Listening
from listening.config import ListeningSettings
from listening.main import create_app
from newsroom_shared.clock import Clock
from newsroom_shared.http.auth import Principal, Scope

SCOPES = (Scope.admin, Scope.editor, Scope.viewer)
WEBHOOK_KEY = "webhook-key-for-tests"


def token(tenant: str, scope: Scope = Scope.admin) -> str:
    return f"test-key-{tenant}-{scope.value}"


class TokenAuthenticator:
    """``token(tenant, scope)`` authenticates as that tenant with that scope, for any tenant
    (tests make a tenant per test, so data left on the shared topics by earlier tests cannot
    meet theirs); nothing else authenticates."""

    async def authenticate(self, token: str) -> Principal | None:
        prefix = "test-key-"
        if not token.startswith(prefix) or "-" not in token.removeprefix(prefix):
            return None
        tenant, _, scope = token.removeprefix(prefix).rpartition("-")
        if not tenant or scope not in {s.value for s in SCOPES}:
            return None
        return Principal(
            tenant_id=tenant, key_id=f"key-{tenant}-{scope}", scopes=frozenset({Scope(scope)})
        )


def headers(tenant: str, scope: Scope = Scope.admin) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(tenant, scope)}"}


@asynccontextmanager
async def staff_api(
    settings: ListeningSettings, clock: Clock | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The app (with this authenticator) running, and an HTTP client for it (``client.app``)."""
    app = create_app(settings, clock=clock, authenticator=TokenAuthenticator())
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


def app_of(client: httpx.AsyncClient) -> FastAPI:
    app: FastAPI = client.app  # type: ignore[attr-defined]
    return app


def listening_of(client: httpx.AsyncClient) -> Listening:
    listening: Listening = app_of(client).state.listening
    return listening


def api_settings(infra: Any, unique: str, **overrides: Any) -> ListeningSettings:
    """Settings of an API test: its own database and consumer groups, no consumers."""
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": infra.kafka_bootstrap_servers,
        "mongodb_uri": infra.mongodb_uri,
        "mongodb_database": f"test_listening_{unique}",
        "consumer_group": f"listening-{unique}",
        "webhook_secret_keys": WEBHOOK_KEY,
        "public_base_url": "https://news.example/api/listening",
        "consumers_enabled": False,
        "log_json": False,
    }
    values.update(overrides)
    return ListeningSettings(**values)
