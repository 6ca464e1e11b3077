"""Who is calling: the tenant comes from the authenticated principal, never from the body.

A route takes ``principal: CurrentPrincipal`` (any valid key) or
``principal: Annotated[Principal, Depends(require(Scope.editor))]``. The token is read from
``Authorization: Bearer <token>`` or ``X-API-Key: <token>`` and checked by the service's own
:class:`Authenticator`, found at ``request.app.state.authenticator`` (services verify tokens
themselves). FastAPI caches dependencies per request, so one request authenticates once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Protocol

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from newsroom_shared.http.errors import Forbidden, Unauthorized
from newsroom_shared.http.openapi_problems import raises
from newsroom_shared.observability.logging import tenant_id_var


class Scope(StrEnum):
    """What a key may do; each scope includes the ones below it."""

    admin = "admin"
    editor = "editor"
    viewer = "viewer"


_RANK = {Scope.viewer: 1, Scope.editor: 2, Scope.admin: 3}


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: an API key (or session) of one tenant."""

    tenant_id: str
    key_id: str
    scopes: frozenset[Scope]

    def allows(self, scope: Scope) -> bool:
        return any(_RANK[held] >= _RANK[scope] for held in self.scopes)


class Authenticator(Protocol):
    async def authenticate(self, token: str) -> Principal | None:
        """The principal the token belongs to, or None when it is unknown, revoked, expired."""
        ...


# auto_error=False: these only read the headers and document the schemes in OpenAPI; the
# 401 answer is ours, a problem like every error.
_bearer = HTTPBearer(auto_error=False, description="An API key as a bearer token")
_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key (alternative to Bearer)"
)


@raises(401)
async def get_principal(
    request: Request,
    _bearer_scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
    _api_key_scheme: Annotated[str | None, Depends(_api_key)] = None,
) -> Principal:
    """The caller, or 401 with ``WWW-Authenticate: Bearer`` when the token is missing/invalid.

    The two scheme parameters only put the schemes in OpenAPI; the token is read from the
    request itself, so ``await get_principal(request)`` works outside FastAPI's DI as well.
    """
    token = _token(request)
    if not token:
        raise Unauthorized(_what_is_missing(request))
    authenticator: Authenticator = request.app.state.authenticator
    principal = await authenticator.authenticate(token)
    if principal is None:
        raise Unauthorized("Invalid or expired credentials", code="invalid_token")
    # The rest of the request logs under the caller's tenant (each request runs in its own task,
    # so this does not outlive it).
    tenant_id_var.set(principal.tenant_id)
    return principal


BEARER_USAGE = "`Authorization: Bearer <api key>`"


def _token(request: Request) -> str | None:
    scheme, credentials = get_authorization_scheme_param(request.headers.get("Authorization"))
    if scheme.lower() == "bearer" and credentials:
        return credentials
    return request.headers.get("X-API-Key") or None


def _what_is_missing(request: Request) -> str:
    """Why no token was found, in words that tell the caller how to send one.

    A key pasted without its scheme (``Authorization: nrk_...``) is the usual mistake; saying
    only "missing" sends people looking for a key they already have.
    """
    header = request.headers.get("Authorization")
    if header is None or not header.strip():
        return f"Missing credentials: send {BEARER_USAGE}"
    scheme, _ = get_authorization_scheme_param(header)
    if scheme.lower() != "bearer":
        return f"Authorization header must use the Bearer scheme: {BEARER_USAGE}"
    return f"Authorization header has no token after Bearer: {BEARER_USAGE}"


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require(scope: Scope) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency answering 403 unless the caller holds ``scope`` (or a higher one)."""

    @raises(403)
    async def principal_with_scope(principal: CurrentPrincipal) -> Principal:
        if not principal.allows(scope):
            raise Forbidden(f"This needs the {scope.value} scope", code="insufficient_scope")
        return principal

    return principal_with_scope
