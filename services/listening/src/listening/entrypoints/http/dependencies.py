"""Route dependencies: the wired service, the caller's tenant by scope, cursors."""

# No "from __future__ import annotations": FastAPI must see the closure's Depends(require(scope)).
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from listening.bootstrap import Listening
from newsroom_shared.http.auth import Principal, Scope, require
from newsroom_shared.http.errors import BadRequest
from newsroom_shared.http.pagination import decode_cursor


def _listening(request: Request) -> Listening:
    listening: Listening = request.app.state.listening
    return listening


ListeningDep = Annotated[Listening, Depends(_listening)]


def _tenant_with(scope: Scope) -> Any:
    async def tenant(principal: Annotated[Principal, Depends(require(scope))]) -> str:
        return principal.tenant_id

    return Depends(tenant)


# The caller's tenant: the only source of the tenant for staff routes.
ViewerTenant = Annotated[str, _tenant_with(Scope.viewer)]
EditorTenant = Annotated[str, _tenant_with(Scope.editor)]
AdminTenant = Annotated[str, _tenant_with(Scope.admin)]


def cursor_str(cursor: str | None, key: str) -> str | None:
    """The string ``key`` of a cursor (400 for a malformed cursor or a wrong-typed value)."""
    if cursor is None:
        return None
    value = decode_cursor(cursor, required_keys=[key])[key]
    if not isinstance(value, str):
        raise BadRequest("invalid cursor", code="invalid_cursor")
    return value


def cursor_time_and_id(cursor: str | None) -> tuple[datetime, str] | None:
    """A mentions cursor: detection time and id of the last mention shown."""
    if cursor is None:
        return None
    values = decode_cursor(cursor, required_keys=["at", "id"])
    at, mention_id = values["at"], values["id"]
    if not isinstance(at, datetime) or not isinstance(mention_id, str):
        raise BadRequest("invalid cursor", code="invalid_cursor")
    return at, mention_id
