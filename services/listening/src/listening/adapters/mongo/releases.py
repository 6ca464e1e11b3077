"""Collection ``releases``: the tenant's published releases from the publisher's events (id,
URL and its canonical key, title), so a mention that links to one names it."""

from __future__ import annotations

from collections.abc import Sequence

from listening.adapters.mongo.base import Repository
from listening.domain.releases import KnownRelease
from newsroom_shared.mongo import Document


def _release(document: Document) -> KnownRelease:
    return KnownRelease(
        tenant_id=document["tenant_id"],
        release_id=document["release_id"],
        url=document["url"],
        title=document["title"],
    )


class MongoReleases(Repository):
    COLLECTION = "releases"

    async def put(self, release: KnownRelease) -> None:
        await self._collection.replace_one(
            {"tenant_id": release.tenant_id, "release_id": release.release_id},
            {
                "tenant_id": release.tenant_id,
                "release_id": release.release_id,
                "url": release.url,
                "url_key": release.url_key,
                "title": release.title,
            },
            upsert=True,
            **self._opts(),
        )

    async def get(self, tenant_id: str, release_id: str) -> KnownRelease | None:
        found = await self._find_one({"tenant_id": tenant_id, "release_id": release_id})
        return None if found is None else _release(found)

    async def by_url_keys(self, tenant_id: str, keys: Sequence[str]) -> list[KnownRelease]:
        rows = await self._find(
            {"tenant_id": tenant_id, "url_key": {"$in": list(keys)}},
            sort=[("release_id", 1)],
            limit=len(keys),
        )
        return [_release(row) for row in rows]
