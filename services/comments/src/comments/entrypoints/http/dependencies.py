"""Route dependencies: the wired service, the caller by scope, the visitor, cursors."""

# No "from __future__ import annotations": FastAPI must see the closure's Depends(require(scope)).
from typing import Annotated, Any

from fastapi import Depends, Request

from comments.bootstrap import Comments
from comments.service.ports import Staff, Visitor
from newsroom_shared.http.auth import Principal, Scope, require
from newsroom_shared.http.pagination import cursor_str as cursor_str
from newsroom_shared.http.ratelimit import client_address


def _comments(request: Request) -> Comments:
    comments: Comments = request.app.state.comments
    return comments


CommentsDep = Annotated[Comments, Depends(_comments)]


def _staff_with(scope: Scope) -> Any:
    async def staff(principal: Annotated[Principal, Depends(require(scope))]) -> Staff:
        return Staff(tenant_id=principal.tenant_id, key_id=principal.key_id)

    return Depends(staff)


# The caller: the only source of the tenant for staff routes.
Viewer = Annotated[Staff, _staff_with(Scope.viewer)]
Editor = Annotated[Staff, _staff_with(Scope.editor)]


def _visitor(request: Request) -> Visitor:
    return Visitor(client=client_address(request, getattr(request.app.state, "trusted_proxies", 0)))


VisitorDep = Annotated[Visitor, Depends(_visitor)]
