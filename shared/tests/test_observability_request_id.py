"""Every request gets an id in its log lines and response; authenticated ones log their tenant."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi import FastAPI

from newsroom_shared.http.auth import CurrentPrincipal, Principal, Scope
from newsroom_shared.http.errors import install_error_handlers
from newsroom_shared.observability.logging import request_id_var, tenant_id_var
from newsroom_shared.observability.request_id import RequestIdMiddleware

seen: list[tuple[str | None, str | None]] = []


class OneKey:
    async def authenticate(self, token: str) -> Principal | None:
        if token != "good":
            return None
        return Principal("tenant-a", "key-1", frozenset({Scope.admin}))


@pytest.fixture
def app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestIdMiddleware)
    app.state.authenticator = OneKey()

    @app.get("/private")
    async def private(principal: CurrentPrincipal) -> dict[str, str]:
        seen.append((request_id_var.get(), tenant_id_var.get()))
        logging.getLogger("test").info("handled")
        return {"tenant": principal.tenant_id}

    return app


async def call(app: FastAPI, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get("/private", headers=headers)


async def test_a_sane_caller_request_id_is_kept_and_echoed(app: FastAPI) -> None:
    seen.clear()
    response = await call(app, {"Authorization": "Bearer good", "X-Request-ID": "abc-123"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "abc-123"
    assert seen == [("abc-123", "tenant-a")]


async def test_an_unsafe_or_missing_request_id_is_replaced(app: FastAPI) -> None:
    seen.clear()
    response = await call(app, {"Authorization": "Bearer good", "X-Request-ID": "a b\nforged"})
    made_up = response.headers["x-request-id"]
    assert made_up != "a b\nforged"
    assert len(made_up) == 32
    assert seen == [(made_up, "tenant-a")]
    missing = await call(app, {"Authorization": "Bearer good"})
    assert len(missing.headers["x-request-id"]) == 32
    assert missing.headers["x-request-id"] != made_up


async def test_errors_carry_the_request_id_too_and_context_does_not_leak(app: FastAPI) -> None:
    response = await call(app, {"Authorization": "Bearer bad", "X-Request-ID": "r-401"})
    assert response.status_code == 401
    assert response.headers["x-request-id"] == "r-401"
    assert request_id_var.get() is None
    assert tenant_id_var.get() is None
