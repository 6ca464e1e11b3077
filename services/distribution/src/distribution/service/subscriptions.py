"""Subscriber commands that come from outside: the unsubscribe link in every email."""

from __future__ import annotations

from datetime import datetime

from distribution.service.ports import UnitOfWork


async def unsubscribe(uow: UnitOfWork, tenant_id: str, subscriber_id: str, now: datetime) -> bool:
    """Unsubscribe one subscriber (idempotent); False when there is no such subscriber."""
    found = (await uow.subscribers.of_ids(tenant_id, [subscriber_id])).get(subscriber_id)
    if found is None:
        return False
    await uow.subscribers.save(found.unsubscribe(now))
    return True
