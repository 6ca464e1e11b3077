"""Route dependencies: the wired publisher, the caller by scope, pagination, If-Match."""

# No "from __future__ import annotations": FastAPI must see the closure's Depends(require(scope)).
import re
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from newsroom_shared.http.auth import Principal, Scope, require
from newsroom_shared.http.errors import BadRequest
from newsroom_shared.http.openapi_problems import raises
from newsroom_shared.http.pagination import cursor_str as cursor_str
from newsroom_shared.http.pagination import decode_cursor
from publisher.bootstrap import Publisher
from publisher.service.ports import Caller


def _publisher(request: Request) -> Publisher:
    publisher: Publisher = request.app.state.publisher
    return publisher


PublisherDep = Annotated[Publisher, Depends(_publisher)]


def _caller_with(scope: Scope) -> Any:
    async def caller(principal: Annotated[Principal, Depends(require(scope))]) -> Caller:
        return Caller(tenant_id=principal.tenant_id, actor=principal.key_id)

    return Depends(caller)


Viewer = Annotated[Caller, _caller_with(Scope.viewer)]
Editor = Annotated[Caller, _caller_with(Scope.editor)]
Admin = Annotated[Caller, _caller_with(Scope.admin)]

# A version as sent or as in the ETag (`3`, `"3"`, `W/"3"`); empty or `*`: no condition. The
# OpenAPI states this pattern and the code checks exactly it (one regex, valid in ECMA and Python).
IF_MATCH_PATTERN = r'^[ \t]*(?:\*|(?:W/)?"?([0-9]{1,12})"?)?[ \t]*$'


@raises(400, 412)  # 412: the use case finds another version current
def _if_match(
    if_match: Annotated[
        str,
        Header(
            alias="If-Match",
            description='The version you read (`3` or `"3"`, as in the ETag): the change only '
            "happens if it is still current, else 412",
            json_schema_extra={"pattern": IF_MATCH_PATTERN},
        ),
    ] = "",
) -> int | None:
    match = re.fullmatch(IF_MATCH_PATTERN, if_match)
    if match is None:
        raise BadRequest('If-Match must be a version number such as 3 or "3"', code="bad_if_match")
    return int(match.group(1)) if match.group(1) else None


IfMatch = Annotated[int | None, Depends(_if_match)]


def cursor_int(cursor: str | None, key: str) -> int | None:
    if cursor is None:
        return None
    value = decode_cursor(cursor, required_keys=[key])[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadRequest("invalid cursor", code="invalid_cursor")
    return value
