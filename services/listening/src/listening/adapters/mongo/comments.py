"""Collection ``comments``: the tenant's comments as the comments service announced them
(release, latest status), one document each (``_id`` the comment's id)."""

from __future__ import annotations

from listening.adapters.mongo.base import Repository
from listening.domain.comments import KnownComment
from newsroom_shared.mongo import Document


def _fields(comment: KnownComment) -> Document:
    return {"tenant_id": comment.tenant_id, "release_id": comment.release_id}


class MongoComments(Repository):
    COLLECTION = "comments"

    async def posted(self, comment: KnownComment) -> None:
        # $setOnInsert: a moderation decision consumed before the comment (another topic) wins.
        await self._collection.update_one(
            {"_id": comment.comment_id, "tenant_id": comment.tenant_id},
            {"$setOnInsert": {**_fields(comment), "status": comment.status}},
            upsert=True,
            **self._opts(),
        )

    async def moderated(self, comment: KnownComment) -> None:
        await self._collection.update_one(
            {"_id": comment.comment_id, "tenant_id": comment.tenant_id},
            {"$set": {**_fields(comment), "status": comment.status}},
            upsert=True,
            **self._opts(),
        )

    async def get(self, tenant_id: str, comment_id: str) -> KnownComment | None:
        found = await self._find_one({"_id": comment_id, "tenant_id": tenant_id})
        if found is None:
            return None
        return KnownComment(tenant_id, comment_id, found["release_id"], found["status"])
