"""Collection ``newsrooms``: the read model of the publisher's newsrooms, ``_id`` tenant-scoped."""

from __future__ import annotations

from comments.adapters.mongo.base import Repository, scoped_id
from comments.domain.newsrooms import KnownNewsroom


class MongoNewsrooms(Repository):
    COLLECTION = "newsrooms"

    async def get(self, tenant_id: str, newsroom_id: str) -> KnownNewsroom | None:
        found = await self._find_one({"_id": scoped_id(tenant_id, newsroom_id)})
        if found is None:
            return None
        return KnownNewsroom(
            tenant_id=found["tenant_id"],
            newsroom_id=found["newsroom_id"],
            slug=found["slug"],
            name=found["name"],
            version=found["version"],
            language=found.get("language", "en"),  # kept before languages were
        )

    async def put(self, newsroom: KnownNewsroom) -> None:
        await self._collection.replace_one(
            {"_id": scoped_id(newsroom.tenant_id, newsroom.newsroom_id)},
            {
                "tenant_id": newsroom.tenant_id,
                "newsroom_id": newsroom.newsroom_id,
                "slug": newsroom.slug,
                "name": newsroom.name,
                "version": newsroom.version,
                "language": newsroom.language,
            },
            upsert=True,
            **self._opts(),
        )
