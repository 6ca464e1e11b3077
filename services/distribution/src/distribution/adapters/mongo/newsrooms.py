"""Collection ``newsrooms``: the read model of the publisher's newsrooms (from its events).

Indexes: ``(tenant_id, newsroom_id)`` unique, and ``slug`` unique on its own: the public
subscribe route carries only the slug, and that lookup is how it finds the tenant (slugs are
global in the publisher, so they are here).
"""

from __future__ import annotations

from distribution.adapters.mongo.base import Repository
from distribution.domain.newsrooms import Newsroom
from newsroom_shared.mongo import Document


def newsroom_document(newsroom: Newsroom) -> Document:
    return {
        "tenant_id": newsroom.tenant_id,
        "newsroom_id": newsroom.id,
        "slug": newsroom.slug,
        "name": newsroom.name,
        "default_language": newsroom.default_language,
        "version": newsroom.version,
        "domain": newsroom.domain,
    }


def _newsroom(document: Document) -> Newsroom:
    return Newsroom(
        tenant_id=document["tenant_id"],
        id=document["newsroom_id"],
        slug=document["slug"],
        name=document["name"],
        default_language=document["default_language"],
        version=document["version"],
        domain=document.get("domain"),
    )


class MongoNewsrooms(Repository):
    COLLECTION = "newsrooms"
    UNIQUE_INDEXES: tuple[list[tuple[str, int]], ...] = (
        [("tenant_id", 1), ("newsroom_id", 1)],
        [("slug", 1)],
    )

    async def get(self, tenant_id: str, newsroom_id: str) -> Newsroom | None:
        found = await self._collection.find_one(
            {"tenant_id": tenant_id, "newsroom_id": newsroom_id}, session=self._session
        )
        return None if found is None else _newsroom(found)

    async def with_slug(self, slug: str) -> Newsroom | None:
        """Across tenants: the public subscribe route knows only the slug."""
        found = await self._collection.find_one({"slug": slug}, session=self._session)
        return None if found is None else _newsroom(found)

    async def save(self, newsroom: Newsroom) -> None:
        await self._collection.replace_one(
            {"tenant_id": newsroom.tenant_id, "newsroom_id": newsroom.id},
            newsroom_document(newsroom),
            upsert=True,
            session=self._session,
        )
