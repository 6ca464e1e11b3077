"""Collection ``newsrooms``: the read model of the publisher's newsrooms, ``_id`` tenant-scoped.

``get`` always reads (the consumers compare versions with it); ``for_visitors`` is served from
a short per-process cache (``adapters/read_cache.py``): what a visitor's post needs of its
newsroom (the name and language of the author's email). Writes drop the entry.
"""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession

from comments.adapters.mongo.base import Repository, scoped_id
from comments.adapters.read_cache import ReadCache
from comments.domain.newsrooms import KnownNewsroom
from newsroom_shared.mongo import Database, Document


def _newsroom(found: Document) -> KnownNewsroom:
    return KnownNewsroom(
        tenant_id=found["tenant_id"],
        newsroom_id=found["newsroom_id"],
        slug=found["slug"],
        name=found["name"],
        version=found["version"],
        language=found.get("language", "en"),  # kept before languages were
    )


class MongoNewsrooms(Repository):
    COLLECTION = "newsrooms"

    def __init__(
        self,
        db: Database,
        session: AsyncClientSession | None = None,
        cache: ReadCache[KnownNewsroom] | None = None,
    ) -> None:
        super().__init__(db, session)
        self._cache = cache or ReadCache(0)

    async def get(self, tenant_id: str, newsroom_id: str) -> KnownNewsroom | None:
        found = await self._find_one({"_id": scoped_id(tenant_id, newsroom_id)})
        return None if found is None else _newsroom(found)

    async def for_visitors(self, tenant_id: str, newsroom_id: str) -> KnownNewsroom | None:
        key = (tenant_id, newsroom_id)
        cached = self._cache.get(key)
        if cached is not None:
            return cached[0]
        newsroom = await self.get(tenant_id, newsroom_id)
        self._cache.put(key, newsroom)
        return newsroom

    async def put(self, newsroom: KnownNewsroom) -> None:
        self._cache.drop((newsroom.tenant_id, newsroom.newsroom_id))
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
