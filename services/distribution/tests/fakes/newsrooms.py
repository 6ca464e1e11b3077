"""Newsrooms as the publisher's events would have told distribution: tests that create channels
over HTTP need their newsroom in the read model first (a channel may only name its tenant's)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from pymongo import MongoClient

from distribution.adapters.mongo.newsrooms import MongoNewsrooms, newsroom_document
from distribution.domain.newsrooms import Newsroom
from distribution.service.newsrooms import apply_newsroom_event
from newsroom_shared.events.publisher import NewsroomCreated

from .auth import distribution_of


def newsroom_created(
    tenant: str, newsroom_id: str, *, slug: str | None = None, name: str | None = None
) -> NewsroomCreated:
    """The event; the slug defaults to one unique across the test tenants (slugs are global)."""
    return NewsroomCreated(
        tenant_id=tenant,
        newsroom_id=newsroom_id,
        slug=slug or f"{tenant}-{newsroom_id}",
        name=name or f"Newsroom {newsroom_id}",
        default_language="en",
        version=1,
        updated_at=datetime.now(UTC),
    )


async def known_newsroom(
    api: httpx.AsyncClient,
    tenant: str,
    newsroom_id: str,
    *,
    slug: str | None = None,
    name: str | None = None,
) -> NewsroomCreated:
    """Applies the newsroom's NewsroomCreated through the consumer's own use case."""
    event = newsroom_created(tenant, newsroom_id, slug=slug, name=name)
    await distribution_of(api).transact(lambda uow: apply_newsroom_event(uow, event))
    return event


def known_newsroom_now(mongodb_uri: str, database: str, event: NewsroomCreated) -> None:
    """The same for an app served in another thread (no event loop here): written directly."""
    newsroom = Newsroom(
        tenant_id=event.tenant_id,
        id=event.newsroom_id,
        slug=event.slug,
        name=event.name,
        default_language=event.default_language,
        version=event.version,
    )
    with MongoClient(mongodb_uri) as client:
        client[database][MongoNewsrooms.COLLECTION].insert_one(newsroom_document(newsroom))
