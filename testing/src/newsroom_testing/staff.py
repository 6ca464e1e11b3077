"""Staff authentication in API tests, the same for every service: ``token(tenant, scope)`` is
a bearer token the test authenticator takes as that tenant's key with that scope, and
``running(app)`` runs an app (lifespan included) with an HTTP client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from newsroom_shared.http.auth import Principal, Scope

TENANTS = ("tenant-a", "tenant-b")
SCOPES = (Scope.admin, Scope.editor, Scope.viewer)
_PREFIX = "test-key-"


def token(tenant: str, scope: Scope = Scope.admin) -> str:
    return f"{_PREFIX}{tenant}-{scope.value}"


def headers(tenant: str, scope: Scope = Scope.admin) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(tenant, scope)}"}


class TokenAuthenticator:
    """``token(tenant, scope)`` authenticates as that tenant with that scope, for the tenants
    given (None: any tenant, for tests that make a tenant per test so that data other tests
    left on the shared topics cannot meet theirs); nothing else authenticates."""

    def __init__(self, tenants: Iterable[str] | None = TENANTS) -> None:
        self._tenants = None if tenants is None else frozenset(tenants)

    async def authenticate(self, token: str) -> Principal | None:
        tenant, _, scope = token.removeprefix(_PREFIX).rpartition("-")
        if not token.startswith(_PREFIX) or not tenant:
            return None
        if scope not in {s.value for s in SCOPES}:
            return None
        if self._tenants is not None and tenant not in self._tenants:
            return None
        return Principal(
            tenant_id=tenant, key_id=f"key-{tenant}-{scope}", scopes=frozenset({Scope(scope)})
        )


@asynccontextmanager
async def running(
    app: FastAPI, *, caller: tuple[str, int] = ("127.0.0.1", 123)
) -> AsyncIterator[httpx.AsyncClient]:
    """The app running (its lifespan: broker, database, loops) and an HTTP client for it,
    calling from ``caller`` (the address per-client rate limits see); ``app_of(client)`` gives
    the app back."""
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        transport = httpx.ASGITransport(app=app, client=caller)
        async with httpx.AsyncClient(transport=transport, base_url="https://test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


def app_of(client: httpx.AsyncClient) -> FastAPI:
    app: FastAPI = client.app  # type: ignore[attr-defined]
    return app
