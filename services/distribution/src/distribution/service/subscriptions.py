"""Subscriber commands that come from outside: the unsubscribe link in every email; and where
a subscriber's links lead a browser (their newsroom's pages)."""

from __future__ import annotations

from datetime import datetime

from distribution.domain.newsrooms import Newsroom
from distribution.service.ports import UnitOfWork


async def unsubscribe(uow: UnitOfWork, tenant_id: str, subscriber_id: str, now: datetime) -> bool:
    """Unsubscribe one subscriber (idempotent); False when there is no such subscriber."""
    found = (await uow.subscribers.of_ids(tenant_id, [subscriber_id])).get(subscriber_id)
    if found is None:
        return False
    await uow.subscribers.save(found.unsubscribe(now))
    return True


async def newsroom_of(uow: UnitOfWork, tenant_id: str, subscriber_id: str) -> Newsroom | None:
    """The subscriber's newsroom, when both are known."""
    found = (await uow.subscribers.of_ids(tenant_id, [subscriber_id])).get(subscriber_id)
    if found is None:
        return None
    return await uow.newsrooms.get(tenant_id, found.newsroom_id)
