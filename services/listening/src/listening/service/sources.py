"""Inbound webhook sources of a tenant: create (the secret shown once), list, delete, new
secret; and what an inbound delivery does."""

from __future__ import annotations

from listening.domain.errors import NotFoundError
from listening.domain.webhook_sources import WebhookSource
from listening.service.intake import inbound_post, webhook_to_post
from listening.service.ports import Deps, UnitOfWork
from listening.service.views import Slice


async def create_source(
    uow: UnitOfWork, deps: Deps, tenant_id: str, *, name: str
) -> tuple[WebhookSource, str]:
    """The new source and its signing secret (derived, never stored: shown once)."""
    source = WebhookSource.create(tenant_id=tenant_id, name=name, now=deps.clock.now())
    async with uow:
        await uow.webhook_sources.add(source)
    return source, deps.secrets.secret(source)


async def list_sources(
    uow: UnitOfWork, tenant_id: str, *, after_id: str | None, limit: int
) -> Slice[WebhookSource]:
    async with uow:
        rows = await uow.webhook_sources.page(tenant_id, after_id=after_id, limit=limit + 1)
    return Slice.of(rows, limit)


async def delete_source(uow: UnitOfWork, tenant_id: str, source_id: str) -> None:
    async with uow:
        if not await uow.webhook_sources.delete(tenant_id, source_id):
            raise NotFoundError("webhook source", source_id)


async def receive_webhook(
    uow: UnitOfWork, deps: Deps, source_id: str, body: bytes, headers: dict[str, str]
) -> None:
    """Verify the delivery's signature with its source's secret, then pass the post on."""
    async with uow:
        source = await uow.webhook_sources.find(source_id)
    if source is None:
        raise NotFoundError("webhook source", source_id)
    payload = deps.secrets.verify(source, body, headers)
    post = inbound_post(payload)
    await webhook_to_post(uow, source, headers.get("webhook-id", ""), post, deps.clock.now())
