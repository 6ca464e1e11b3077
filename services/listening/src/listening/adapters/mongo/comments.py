"""Collection ``comments``: the tenant's comments as the comments service announced them
(release, latest status, whether staff wrote it, its author, when its text last changed), one
document each (``_id`` the comment's id)."""

from __future__ import annotations

from listening.adapters.mongo.base import Repository
from listening.domain.comments import KnownComment
from newsroom_shared.mongo import Document


def _fields(comment: KnownComment) -> Document:
    return {"tenant_id": comment.tenant_id, "release_id": comment.release_id}


class MongoComments(Repository):
    COLLECTION = "comments"

    async def posted(self, comment: KnownComment) -> None:
        # $setOnInsert: a moderation decision or an edit consumed before the comment (other
        # topics) wins; who wrote it only the posting says.
        await self._collection.update_one(
            {"_id": comment.comment_id, "tenant_id": comment.tenant_id},
            {
                "$setOnInsert": {**_fields(comment), "status": comment.status},
                "$set": {"official": comment.official, "author": comment.author},
            },
            upsert=True,
            **self._opts(),
        )

    async def edited(self, comment: KnownComment) -> None:
        # The status only for a comment not heard of yet: moderation's word outranks an edit's.
        await self._collection.update_one(
            {"_id": comment.comment_id, "tenant_id": comment.tenant_id},
            {
                "$setOnInsert": {**_fields(comment), "status": comment.status},
                "$set": {"edited_at": comment.edited_at},
            },
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
        return KnownComment(
            tenant_id,
            comment_id,
            found["release_id"],
            found["status"],
            # Comments stored before these fields existed have none of them.
            official=found.get("official", False),
            author=found.get("author"),
            edited_at=found.get("edited_at"),
        )
