"""The publisher's newsroom events kept as this service's read model of newsrooms."""

from __future__ import annotations

from comments.domain.newsrooms import KnownNewsroom, newest
from comments.service.ports import UnitOfWork
from newsroom_shared.events.publisher import NewsroomCreated, NewsroomUpdated


async def newsroom_changed(uow: UnitOfWork, event: NewsroomCreated | NewsroomUpdated) -> None:
    fresh = KnownNewsroom(
        tenant_id=event.tenant_id,
        newsroom_id=event.newsroom_id,
        slug=event.slug,
        name=event.name,
        version=event.version,
        language=event.default_language,
    )
    current = await uow.newsrooms.get(event.tenant_id, event.newsroom_id)
    await uow.newsrooms.put(newest(current, fresh))
