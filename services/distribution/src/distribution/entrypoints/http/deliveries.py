"""Deliveries of a release: what went where, counts, and the manual retry of a failed one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from distribution.domain.delivery import DeliveryStatus
from distribution.entrypoints.http.dependencies import (
    DistributionDep,
    EditorTenant,
    ViewerTenant,
    cursor_str,
)
from distribution.entrypoints.http.schemas.deliveries import DeliveryOut, DeliverySummary
from distribution.service import deliveries
from newsroom_shared.http.errors import error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, page_of

router = APIRouter(tags=["deliveries"])


@router.get("/v1/releases/{release_id}/deliveries")
async def list_deliveries(
    release_id: str,
    tenant: ViewerTenant,
    distribution: DistributionDep,
    limit: Limit,
    cursor: Cursor = None,
    channel_id: Annotated[str | None, Query(max_length=100)] = None,
    status: DeliveryStatus | None = None,
) -> Page[DeliveryOut]:
    """The release's deliveries: where, when, status, attempts, remote post or last error."""
    reader = distribution.reader()
    rows = await deliveries.list_deliveries(
        reader,
        tenant,
        release_id,
        channel_id=channel_id,
        status=str(status) if status else None,
        after_id=cursor_str(cursor, "id"),
        limit=limit + 1,
    )
    shown = await deliveries.shown_recipients(reader, tenant, rows)
    items = [DeliveryOut.of(d, shown[d.id]) for d in rows]
    return page_of(items, limit, lambda d: {"id": d.id})


@router.get("/v1/releases/{release_id}/deliveries/summary")
async def delivery_summary(
    release_id: str, tenant: ViewerTenant, distribution: DistributionDep
) -> DeliverySummary:
    """How many deliveries of the release per channel and status."""
    counts = await deliveries.summary(distribution.reader(), tenant, release_id)
    return DeliverySummary.of(release_id, counts)


@router.post("/v1/deliveries/{delivery_id}/retry", responses=error_responses(409))
async def retry_delivery(
    delivery_id: str, tenant: EditorTenant, distribution: DistributionDep
) -> DeliveryOut:
    """Retry a failed delivery: a fresh budget of attempts, the same idempotency key."""
    now = distribution.clock.now()
    delivery = await distribution.transact(
        lambda uow: deliveries.retry_delivery(uow, tenant, delivery_id, now)
    )
    distribution.doorbell.ring()  # due now: this replica's worker claims it without polling
    shown = await deliveries.shown_recipients(distribution.reader(), tenant, [delivery])
    return DeliveryOut.of(delivery, shown[delivery.id])
