"""Collection ``newsroom_settings``: each newsroom's comment settings, ``_id`` tenant-scoped."""

from __future__ import annotations

from comments.adapters.mongo.base import Repository, scoped_id
from comments.domain.settings import CommentSettings, ModerationMode
from newsroom_shared.mongo import Document


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
    )


class MongoSettings(Repository):
    COLLECTION = "newsroom_settings"

    async def get(self, tenant_id: str, newsroom_id: str) -> CommentSettings | None:
        found = await self._find_one({"_id": scoped_id(tenant_id, newsroom_id)})
        return None if found is None else _settings(found)

    async def put(self, settings: CommentSettings) -> None:
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
            },
            upsert=True,
            **self._opts(),
        )
