"""A newsroom's comment settings: read (defaults until changed) and replace (staff)."""

from __future__ import annotations

from comments.domain.settings import CommentSettings
from comments.service.ports import UnitOfWork


async def load_settings(uow: UnitOfWork, tenant_id: str, newsroom_id: str) -> CommentSettings:
    found = await uow.settings.get(tenant_id, newsroom_id)
    return found or CommentSettings.defaults(tenant_id, newsroom_id)


async def get_settings(uow: UnitOfWork, tenant_id: str, newsroom_id: str) -> CommentSettings:
    async with uow:
        return await load_settings(uow, tenant_id, newsroom_id)


async def put_settings(uow: UnitOfWork, settings: CommentSettings) -> CommentSettings:
    async with uow:
        await uow.settings.put(settings)
    return settings
