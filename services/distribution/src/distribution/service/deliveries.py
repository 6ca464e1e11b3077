"""Staff views of deliveries (what went where) and the manual retry of a failed one."""

from __future__ import annotations

from datetime import datetime

from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.domain.suppressions import mask_email
from distribution.service.errors import ConflictError, NotFoundError
from distribution.service.ports import UnitOfWork

ERASED = "(erased)"


async def _known_release(uow: UnitOfWork, tenant_id: str, release_id: str) -> None:
    """404 unless the tenant has this release (its facts, or deliveries planned for it)."""
    if (await uow.releases.of_ids(tenant_id, [release_id])).get(release_id) is not None:
        return
    if await uow.deliveries.page_of_release(
        tenant_id, release_id, channel_id=None, status=None, after_id=None, limit=1
    ):
        return
    raise NotFoundError(f"no deliveries of release {release_id!r}")


async def list_deliveries(
    uow: UnitOfWork,
    tenant_id: str,
    release_id: str,
    *,
    channel_id: str | None,
    status: str | None,
    after_id: str | None,
    limit: int,
) -> list[Delivery]:
    await _known_release(uow, tenant_id, release_id)
    return await uow.deliveries.page_of_release(
        tenant_id, release_id, channel_id=channel_id, status=status, after_id=after_id, limit=limit
    )


async def shown_recipients(
    uow: UnitOfWork, tenant_id: str, deliveries: list[Delivery]
) -> dict[str, str]:
    """How each delivery's recipient is shown: the account or origin, or a masked address (a
    subscriber's, or for an alert the staff address it went to)."""
    subscriber_ids = [d.recipient for d in deliveries if d.channel_kind == "email" and not d.alert]
    subscribers = await uow.subscribers.of_ids(tenant_id, subscriber_ids) if subscriber_ids else {}
    shown: dict[str, str] = {}
    for delivery in deliveries:
        if delivery.channel_kind != "email":
            shown[delivery.id] = delivery.recipient
            continue
        if delivery.alert:
            shown[delivery.id] = mask_email(delivery.recipient)
            continue
        subscriber = subscribers.get(delivery.recipient)
        shown[delivery.id] = mask_email(subscriber.email) if subscriber else ERASED
    return shown


async def summary(uow: UnitOfWork, tenant_id: str, release_id: str) -> dict[tuple[str, str], int]:
    """Counts per (channel id, status)."""
    await _known_release(uow, tenant_id, release_id)
    return await uow.deliveries.counts_of_release(tenant_id, release_id)


async def retry_delivery(
    uow: UnitOfWork, tenant_id: str, delivery_id: str, now: datetime
) -> Delivery:
    """A failed delivery back to pending with a fresh budget and the same idempotency key."""
    delivery = await uow.deliveries.get(tenant_id, delivery_id)
    if delivery is None:
        raise NotFoundError(f"no delivery {delivery_id!r}")
    if delivery.status is not DeliveryStatus.FAILED:
        raise ConflictError(
            f"only a failed delivery can be retried; this one is {delivery.status}",
            code="not_failed",
        )
    requeued = delivery.requeue(now)
    if not await uow.deliveries.requeue(requeued):
        raise ConflictError("the delivery changed meanwhile; read it again", code="busy")
    return requeued
