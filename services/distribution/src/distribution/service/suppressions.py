"""The tenant's suppression list: bounces, complaints and manual entries.

Adding an address flags its subscriptions (bounce, complaint) and cancels the pending deliveries
to them, so nothing already planned goes out either; planning skips suppressed addresses.
"""

from __future__ import annotations

from datetime import datetime

from distribution.domain.subscribers import InvalidSubscriberError, normalise_email
from distribution.domain.suppressions import Suppression, SuppressionReason
from distribution.service.errors import InvalidInputError, NotFoundError
from distribution.service.ports import UnitOfWork


def address(raw: str) -> str:
    try:
        return normalise_email(raw)
    except InvalidSubscriberError as error:
        raise InvalidInputError("email", str(error).removeprefix("email: ")) from None


async def suppress(
    uow: UnitOfWork, tenant_id: str, email: str, reason: SuppressionReason, now: datetime
) -> Suppression:
    entry = Suppression(tenant_id=tenant_id, email=address(email), reason=reason, created_at=now)
    await uow.suppressions.add(entry)
    await uow.subscribers.flag(
        tenant_id,
        entry.email,
        bounced=reason is SuppressionReason.BOUNCE,
        complained=reason is SuppressionReason.COMPLAINT,
    )
    subscribers = await uow.subscribers.with_email(tenant_id, entry.email)
    if subscribers:
        await uow.deliveries.cancel_pending(
            tenant_id,
            reason=f"the address is suppressed ({reason})",
            now=now,
            recipients=[s.id for s in subscribers],
        )
    stored = await uow.suppressions.get(tenant_id, entry.email)
    assert stored is not None
    return stored


async def list_suppressions(
    uow: UnitOfWork, tenant_id: str, after_email: str | None, limit: int
) -> list[Suppression]:
    return await uow.suppressions.page(tenant_id, after_email, limit)


async def unsuppress(uow: UnitOfWork, tenant_id: str, email: str) -> None:
    """Takes the address off the list (its subscriptions keep their bounce/complaint flags)."""
    try:
        normalised = normalise_email(email)
    except InvalidSubscriberError:
        normalised = email  # cannot be on the list: answer 404 below
    if not await uow.suppressions.remove(tenant_id, normalised):
        raise NotFoundError("this address is not on the suppression list")
