"""The tenant comes from the authenticated key; scopes gate what the key may do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI

from newsroom_shared.http.auth import CurrentPrincipal, Principal, Scope, require
from newsroom_shared.http.errors import install_error_handlers

EDITOR = Principal(tenant_id="acme", key_id="key-editor", scopes=frozenset({Scope.editor}))
VIEWER = Principal(tenant_id="acme", key_id="key-viewer", scopes=frozenset({Scope.viewer}))


class KeyTable:
    """An Authenticator over a fixed table; counts calls to show one lookup per request."""

    def __init__(self, keys: dict[str, Principal]) -> None:
        self.keys = keys
        self.calls = 0

    async def authenticate(self, token: str) -> Principal | None:
        self.calls += 1
        return self.keys.get(token)


def make_app(authenticator: KeyTable) -> FastAPI:
    app = FastAPI()
    app.state.authenticator = authenticator
    install_error_handlers(app)

    @app.get("/me")
    def me(principal: CurrentPrincipal) -> dict[str, str]:
        return {"tenant_id": principal.tenant_id, "key_id": principal.key_id}

    @app.post("/releases")
    def create(
        principal: Annotated[Principal, Depends(require(Scope.editor))],
        again: CurrentPrincipal,
    ) -> dict[str, str]:
        assert again is principal
        return {"tenant_id": principal.tenant_id}

    return app


@pytest.fixture
def keys() -> KeyTable:
    return KeyTable({"tok-editor": EDITOR, "tok-viewer": VIEWER})


@pytest.fixture
async def client(keys: KeyTable) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(keys))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def test_scopes_include_the_ones_below() -> None:
    admin = Principal("t", "k", frozenset({Scope.admin}))
    assert all(admin.allows(s) for s in Scope)
    assert EDITOR.allows(Scope.editor)
    assert EDITOR.allows(Scope.viewer)
    assert not EDITOR.allows(Scope.admin)
    assert VIEWER.allows(Scope.viewer)
    assert not VIEWER.allows(Scope.editor)
    assert not Principal("t", "k", frozenset()).allows(Scope.viewer)


async def test_missing_credentials_answer_401_with_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Missing credentials: send `Authorization: Bearer <api key>`"),
        (
            {"Authorization": "tok-editor"},  # the key pasted without its scheme
            "Authorization header must use the Bearer scheme: `Authorization: Bearer <api key>`",
        ),
        (
            {"Authorization": "Token tok-editor"},
            "Authorization header must use the Bearer scheme: `Authorization: Bearer <api key>`",
        ),
        (
            {"Authorization": "Bearer "},
            "Authorization header has no token after Bearer: `Authorization: Bearer <api key>`",
        ),
    ],
)
async def test_a_missing_token_answer_says_how_to_send_one(
    client: httpx.AsyncClient, headers: dict[str, str], message: str
) -> None:
    response = await client.get("/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"] == message


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer nope"},
        {"X-API-Key": "nope"},
        {"Authorization": "Basic dG9rLWVkaXRvcjo="},  # right key, wrong scheme
    ],
)
async def test_bad_credentials_answer_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_bearer_token_gives_the_principal(client: httpx.AsyncClient) -> None:
    response = await client.get("/me", headers={"Authorization": "Bearer tok-editor"})
    assert response.status_code == 200
    assert response.json() == {"tenant_id": "acme", "key_id": "key-editor"}


async def test_api_key_header_gives_the_principal(client: httpx.AsyncClient) -> None:
    response = await client.get("/me", headers={"X-API-Key": "tok-viewer"})
    assert response.json() == {"tenant_id": "acme", "key_id": "key-viewer"}


async def test_tenant_in_the_body_is_ignored(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/releases",
        headers={"Authorization": "Bearer tok-editor"},
        json={"tenant_id": "someone-else"},
    )
    assert response.json() == {"tenant_id": "acme"}


async def test_missing_scope_answers_403(client: httpx.AsyncClient) -> None:
    response = await client.post("/releases", headers={"Authorization": "Bearer tok-viewer"})
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


async def test_enough_scope_passes_and_authenticates_once(
    client: httpx.AsyncClient, keys: KeyTable
) -> None:
    response = await client.post("/releases", headers={"Authorization": "Bearer tok-editor"})
    assert response.status_code == 200
    assert keys.calls == 1


def test_openapi_shows_both_security_schemes() -> None:
    schema = make_app(KeyTable({})).openapi()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key as a bearer token",
    }
    assert schemes["APIKeyHeader"]["in"] == "header"
    assert schemes["APIKeyHeader"]["name"] == "X-API-Key"
    security = schema["paths"]["/me"]["get"]["security"]
    assert {"HTTPBearer": []} in security
    assert {"APIKeyHeader": []} in security
