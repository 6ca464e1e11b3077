"""Subscribers of the tenant's newsrooms (staff): list, export and erase one address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from distribution.domain.subscribers import SubscriberStatus
from distribution.entrypoints.http.dependencies import (
    AdminTenant,
    DistributionDep,
    EditorTenant,
    cursor_str,
)
from distribution.entrypoints.http.schemas.common import EmailQuery
from distribution.entrypoints.http.schemas.subscribers import SubscriberExport, SubscriberOut
from distribution.service import subscribers
from newsroom_shared.http.errors import error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, page_of

router = APIRouter(prefix="/v1/subscribers", tags=["subscribers"])


@router.get("")
async def list_subscribers(
    tenant: EditorTenant,
    distribution: DistributionDep,
    limit: Limit,
    cursor: Cursor = None,
    newsroom_id: Annotated[str | None, Query(max_length=100)] = None,
    status: SubscriberStatus | None = None,
) -> Page[SubscriberOut]:
    """List subscribers, optionally of one newsroom or status (addresses: editors and up)."""
    rows = await subscribers.list_subscribers(
        distribution.reader(),
        tenant,
        newsroom_id=newsroom_id,
        status=str(status) if status else None,
        after_id=cursor_str(cursor, "id"),
        limit=limit + 1,
    )
    return page_of([SubscriberOut.of(s) for s in rows], limit, lambda s: {"id": s.id})


@router.get("/export", responses=error_responses(404))
async def export_subscriber(
    email: EmailQuery, tenant: AdminTenant, distribution: DistributionDep
) -> SubscriberExport:
    """Everything stored about an address in this tenant: subscriptions, consents, deliveries."""
    data = await subscribers.export_address(distribution.reader(), tenant, email)
    return SubscriberExport.model_validate(data)


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
async def erase_subscriber(
    email: EmailQuery, tenant: AdminTenant, distribution: DistributionDep
) -> Response:
    """Erase an address: subscriptions removed, pending deliveries cancelled (idempotent)."""
    now = distribution.clock.now()
    key = distribution.digest_key
    await distribution.transact(lambda uow: subscribers.erase_address(uow, tenant, email, key, now))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
