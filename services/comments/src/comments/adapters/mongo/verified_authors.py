"""Collection ``verified_authors``: an email digest that verified in a newsroom, until
``expires_at`` (a TTL index removes it then). ``_id`` is tenant-scoped."""

from __future__ import annotations

from datetime import datetime

from comments.adapters.mongo.base import Repository, scoped_id


class MongoVerifiedAuthors(Repository):
    COLLECTION = "verified_authors"

    async def verified(
        self, tenant_id: str, newsroom_id: str, email_hash: str, now: datetime
    ) -> bool:
        found = await self._find_one(
            {"_id": scoped_id(tenant_id, f"{newsroom_id}:{email_hash}"), "expires_at": {"$gt": now}}
        )
        return found is not None

    async def remember(
        self, tenant_id: str, newsroom_id: str, email_hash: str, until: datetime
    ) -> None:
        await self._collection.update_one(
            {"_id": scoped_id(tenant_id, f"{newsroom_id}:{email_hash}")},
            {
                "$set": {
                    "tenant_id": tenant_id,
                    "newsroom_id": newsroom_id,
                    "email_hash": email_hash,
                    "expires_at": until,
                }
            },
            upsert=True,
            **self._opts(),
        )
