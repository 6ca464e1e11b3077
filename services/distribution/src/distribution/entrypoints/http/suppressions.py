"""The tenant's suppression list (bounces, complaints, manual entries)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from distribution.entrypoints.http.dependencies import (
    DistributionDep,
    EditorTenant,
    ViewerTenant,
    cursor_str,
)
from distribution.entrypoints.http.schemas.suppressions import SuppressionIn, SuppressionOut
from distribution.service import suppressions
from newsroom_shared.http.pagination import Cursor, Limit, Page, page_of

router = APIRouter(prefix="/v1/suppressions", tags=["suppressions"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def add_suppression(
    body: SuppressionIn, tenant: EditorTenant, distribution: DistributionDep
) -> SuppressionOut:
    """Never mail this address again from any newsroom of the tenant (idempotent)."""
    now = distribution.clock.now()
    entry = await distribution.transact(
        lambda uow: suppressions.suppress(uow, tenant, body.email, body.reason, now)
    )
    return SuppressionOut.of(entry)


@router.get("")
async def list_suppressions(
    tenant: ViewerTenant, distribution: DistributionDep, limit: Limit, cursor: Cursor = None
) -> Page[SuppressionOut]:
    """The suppression list, in address order."""
    rows = await suppressions.list_suppressions(
        distribution.reader(), tenant, cursor_str(cursor, "email"), limit + 1
    )
    return page_of([SuppressionOut.of(s) for s in rows], limit, lambda s: {"email": s.email})


@router.delete(
    "/{email}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
async def remove_suppression(
    email: str, tenant: EditorTenant, distribution: DistributionDep
) -> Response:
    """Take an address off the list (its subscriptions keep their bounce/complaint flags)."""
    await distribution.transact(lambda uow: suppressions.unsuppress(uow, tenant, email))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
