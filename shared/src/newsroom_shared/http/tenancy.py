"""The caller's tenant as a route dependency, by the scope the route needs: the only source of
the tenant for staff routes (never a body or a path). ``tenant: EditorTenant`` in a route's
signature answers 401/403 as :func:`newsroom_shared.http.auth.require` does."""

# No "from __future__ import annotations": FastAPI must see the closure's Depends(require(scope)).
from typing import Annotated, Any

from fastapi import Depends

from newsroom_shared.http.auth import Principal, Scope, require


def _tenant_with(scope: Scope) -> Any:
    async def tenant(principal: Annotated[Principal, Depends(require(scope))]) -> str:
        return principal.tenant_id

    return Depends(tenant)


ViewerTenant = Annotated[str, _tenant_with(Scope.viewer)]
EditorTenant = Annotated[str, _tenant_with(Scope.editor)]
AdminTenant = Annotated[str, _tenant_with(Scope.admin)]
