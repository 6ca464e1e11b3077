"""Collection ``newsroom_logos``: which item each newsroom shows as its logo (one document per
newsroom, ``_id`` ``<tenant>:<newsroom>``)."""

from __future__ import annotations

from media.adapters.mongo.base import Repository
from media.domain.logos import NewsroomLogo
from newsroom_shared.mongo import Document


def _document(logo: NewsroomLogo) -> Document:
    return {
        "_id": f"{logo.tenant_id}:{logo.newsroom_id}",
        "tenant_id": logo.tenant_id,
        "newsroom_id": logo.newsroom_id,
        "media_id": logo.media_id,
        "version": logo.version,
    }


class MongoLogos(Repository):
    COLLECTION = "newsroom_logos"

    async def get(self, tenant_id: str, newsroom_id: str) -> NewsroomLogo | None:
        found = await self._collection.find_one(
            {"_id": f"{tenant_id}:{newsroom_id}", "tenant_id": tenant_id}, **self._opts()
        )
        if found is None:
            return None
        return NewsroomLogo(
            found["tenant_id"], found["newsroom_id"], found["media_id"], found["version"]
        )

    async def put(self, logo: NewsroomLogo) -> None:
        document = _document(logo)
        await self._collection.replace_one(
            {"_id": document["_id"]}, document, upsert=True, **self._opts()
        )

    async def is_logo(self, tenant_id: str, media_id: str) -> bool:
        """Whether a newsroom of the tenant shows the item as its logo."""
        query = {"tenant_id": tenant_id, "media_id": media_id}
        return await self._collection.find_one(query, {"_id": 1}, **self._opts()) is not None
