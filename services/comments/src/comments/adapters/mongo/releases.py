"""Collection ``releases``: the read model of the publisher's releases (from its events).

``_id`` is ``<tenant>:<release id>``; ``release_id`` is indexed on its own, unique: a visitor's
request names only the release, and that lookup is how it finds the tenant (release ids are
ObjectIds, global in the publisher). That lookup is served from a short per-process cache
(``adapters/read_cache.py``); writes drop its entry.
"""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession

from comments.adapters.mongo.base import scoped_id
from comments.adapters.page_scopes import release_part
from comments.adapters.read_cache import ReadCache
from comments.domain.releases import KnownRelease
from newsroom_shared.mongo import Database, Document
from newsroom_shared.page_versions import PageChanges, PageWriter


def _release(document: Document) -> KnownRelease:
    return KnownRelease(
        tenant_id=document["tenant_id"],
        release_id=document["release_id"],
        newsroom_id=document["newsroom_id"],
        title=document["title"],
        url=document["url"],
        version=document["version"],
        published_at=document["published_at"],
        withdrawn_at=document["withdrawn_at"],
    )


class MongoReleases(PageWriter):
    """A release saved (published, updated, withdrawn) notes its thread's part of the pages."""

    COLLECTION = "releases"

    def __init__(
        self,
        db: Database,
        session: AsyncClientSession | None = None,
        cache: ReadCache[KnownRelease] | None = None,
        pages: PageChanges | None = None,
    ) -> None:
        super().__init__(db, session, pages)
        self._cache = cache or ReadCache(0)

    async def get(self, tenant_id: str, release_id: str) -> KnownRelease | None:
        found = await self._find_one({"_id": scoped_id(tenant_id, release_id)})
        return None if found is None else _release(found)

    async def find_public(self, release_id: str) -> KnownRelease | None:
        cached = self._cache.get(release_id)
        if cached is not None:
            return cached[0]
        found = await self._find_one({"release_id": release_id})
        release = None if found is None else _release(found)
        self._cache.put(release_id, release)
        return release

    async def put(self, release: KnownRelease) -> None:
        self._cache.drop(release.release_id)
        self._pages.note(release.tenant_id, release_part(release.release_id))
        await self._collection.replace_one(
            {"_id": scoped_id(release.tenant_id, release.release_id)},
            {
                "tenant_id": release.tenant_id,
                "release_id": release.release_id,
                "newsroom_id": release.newsroom_id,
                "title": release.title,
                "url": release.url,
                "version": release.version,
                "published_at": release.published_at,
                "withdrawn_at": release.withdrawn_at,
            },
            upsert=True,
            **self._opts(),
        )
