"""Route dependencies: the wired service, the caller by scope."""

# No "from __future__ import annotations": FastAPI must see the closure's Depends(require(scope)).
from typing import Annotated, Any

from fastapi import Depends, Request

from media.bootstrap import Media
from media.service.ports import Caller
from newsroom_shared.http.auth import Principal, Scope, require


def _media(request: Request) -> Media:
    media: Media = request.app.state.media
    return media


MediaDep = Annotated[Media, Depends(_media)]


def _caller_with(scope: Scope) -> Any:
    async def caller(principal: Annotated[Principal, Depends(require(scope))]) -> Caller:
        return Caller(tenant_id=principal.tenant_id)

    return Depends(caller)


Viewer = Annotated[Caller, _caller_with(Scope.viewer)]
Editor = Annotated[Caller, _caller_with(Scope.editor)]
