"""A newsroom's comment settings: read (defaults until changed) and replace (staff).

Staff name a newsroom of their tenant that this service has heard of (the publisher's newsroom
events); any other answers 404, as another tenant's newsroom must.
"""

from __future__ import annotations

from comments.domain.errors import NotFoundError
from comments.domain.settings import CommentSettings
from comments.service.ports import UnitOfWork


async def load_settings(uow: UnitOfWork, tenant_id: str, newsroom_id: str) -> CommentSettings:
    found = await uow.settings.get(tenant_id, newsroom_id)
    return found or CommentSettings.defaults(tenant_id, newsroom_id)


async def get_settings(uow: UnitOfWork, tenant_id: str, newsroom_id: str) -> CommentSettings:
    async with uow:
        await _known(uow, tenant_id, newsroom_id)
        return await load_settings(uow, tenant_id, newsroom_id)


async def put_settings(uow: UnitOfWork, settings: CommentSettings) -> CommentSettings:
    async with uow:
        await _known(uow, settings.tenant_id, settings.newsroom_id)
        await uow.settings.put(settings)
    return settings


async def _known(uow: UnitOfWork, tenant_id: str, newsroom_id: str) -> None:
    if await uow.newsrooms.get(tenant_id, newsroom_id) is None:
        raise NotFoundError("newsroom", newsroom_id)
