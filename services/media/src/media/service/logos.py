"""The publisher's newsroom events kept as the read model of newsrooms' logos (public files)."""

from __future__ import annotations

from media.domain.logos import NewsroomLogo
from media.service.ports import UnitOfWork
from newsroom_shared.events.publisher import NewsroomCreated, NewsroomUpdated


async def newsroom_changed(uow: UnitOfWork, event: NewsroomCreated | NewsroomUpdated) -> bool:
    """Apply one newsroom event in the unit of work (the consumer's inbox transaction);
    False when it was old news."""
    news = NewsroomLogo(event.tenant_id, event.newsroom_id, event.logo_media_id, event.version)
    if not news.replaces(await uow.logos.get(news.tenant_id, news.newsroom_id)):
        return False
    await uow.logos.put(news)
    return True
