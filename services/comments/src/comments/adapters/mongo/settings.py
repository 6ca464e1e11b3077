"""Collection ``newsroom_settings``: each newsroom's comment settings, ``_id`` tenant-scoped;
reads served from a short per-process cache (``adapters/read_cache.py``), writes drop it."""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession

from comments.adapters.mongo.base import scoped_id
from comments.adapters.page_scopes import newsroom_part
from comments.adapters.read_cache import ReadCache
from comments.domain.settings import CommentSettings, ModerationMode
from newsroom_shared.mongo import Database, Document
from newsroom_shared.page_versions import PageChanges, PageWriter


def _settings(document: Document) -> CommentSettings:
    return CommentSettings(
        tenant_id=document["tenant_id"],
        newsroom_id=document["newsroom_id"],
        mode=ModerationMode(document["mode"]),
        approvals_needed=document["approvals_needed"],
        open_days=document["open_days"],
        max_links=document["max_links"],
        banned_words=tuple(document["banned_words"]),
        suspect_words=tuple(document["suspect_words"]),
        verify_email=document.get("verify_email", False),  # kept before it existed: off
    )


class MongoSettings(PageWriter):
    """Settings saved note their newsroom's part of the pages (the counts say "open" by them)."""

    COLLECTION = "newsroom_settings"

    def __init__(
        self,
        db: Database,
        session: AsyncClientSession | None = None,
        cache: ReadCache[CommentSettings] | None = None,
        pages: PageChanges | None = None,
    ) -> None:
        super().__init__(db, session, pages)
        self._cache = cache or ReadCache(0)

    async def get(self, tenant_id: str, newsroom_id: str) -> CommentSettings | None:
        key = (tenant_id, newsroom_id)
        cached = self._cache.get(key)
        if cached is not None:
            return cached[0]
        found = await self._find_one({"_id": scoped_id(tenant_id, newsroom_id)})
        settings = None if found is None else _settings(found)
        self._cache.put(key, settings)
        return settings

    async def put(self, settings: CommentSettings) -> None:
        self._cache.drop((settings.tenant_id, settings.newsroom_id))
        self._pages.note(settings.tenant_id, newsroom_part(settings.newsroom_id))
        await self._collection.replace_one(
            {"_id": scoped_id(settings.tenant_id, settings.newsroom_id)},
            {
                "tenant_id": settings.tenant_id,
                "newsroom_id": settings.newsroom_id,
                "mode": settings.mode.value,
                "approvals_needed": settings.approvals_needed,
                "open_days": settings.open_days,
                "max_links": settings.max_links,
                "banned_words": list(settings.banned_words),
                "suspect_words": list(settings.suspect_words),
                "verify_email": settings.verify_email,
            },
            upsert=True,
            **self._opts(),
        )
