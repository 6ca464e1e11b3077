"""Route dependencies: the wired service, the caller's tenant by scope, cursors."""

# No "from __future__ import annotations": FastAPI must see the closure's Depends(require(scope)).
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from listening.bootstrap import Listening
from newsroom_shared.http.errors import BadRequest
from newsroom_shared.http.pagination import cursor_str as cursor_str
from newsroom_shared.http.pagination import decode_cursor
from newsroom_shared.http.tenancy import AdminTenant as AdminTenant
from newsroom_shared.http.tenancy import EditorTenant as EditorTenant
from newsroom_shared.http.tenancy import ViewerTenant as ViewerTenant


def _listening(request: Request) -> Listening:
    listening: Listening = request.app.state.listening
    return listening


ListeningDep = Annotated[Listening, Depends(_listening)]


def cursor_time_and_id(cursor: str | None) -> tuple[datetime, str] | None:
    """A mentions cursor: detection time and id of the last mention shown."""
    if cursor is None:
        return None
    values = decode_cursor(cursor, required_keys=["at", "id"])
    at, mention_id = values["at"], values["id"]
    if not isinstance(at, datetime) or not isinstance(mention_id, str):
        raise BadRequest("invalid cursor", code="invalid_cursor")
    return at, mention_id
