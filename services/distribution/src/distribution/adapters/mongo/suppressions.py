"""Collection ``suppressions``: per tenant, the addresses never to mail again.

One entry per (tenant, address), kept so by a unique index on both, through which every lookup
goes (a page of addresses when planning, and each email right before it is sent).
"""

from __future__ import annotations

from distribution.adapters.mongo.base import Repository
from distribution.domain.suppressions import Suppression, SuppressionReason
from newsroom_shared.mongo import Document


def suppression_from(document: Document) -> Suppression:
    return Suppression(
        tenant_id=document["tenant_id"],
        email=document["email"],
        reason=SuppressionReason(document["reason"]),
        created_at=document["created_at"],
    )


class MongoSuppressions(Repository):
    COLLECTION = "suppressions"
    UNIQUE_INDEXES: tuple[list[tuple[str, int]], ...] = ([("tenant_id", 1), ("email", 1)],)

    async def add(self, suppression: Suppression) -> None:
        """Adds or updates the entry (the latest reason wins, the first date stays)."""
        await self._collection.update_one(
            {"tenant_id": suppression.tenant_id, "email": suppression.email},
            {
                "$set": {"reason": str(suppression.reason)},
                "$setOnInsert": {"created_at": suppression.created_at},
            },
            upsert=True,
            session=self._session,
        )

    async def get(self, tenant_id: str, email: str) -> Suppression | None:
        document = await self._collection.find_one(
            {"tenant_id": tenant_id, "email": email},
            session=self._session,
        )
        return suppression_from(document) if document else None

    async def remove(self, tenant_id: str, email: str) -> bool:
        result = await self._collection.delete_one(
            {"tenant_id": tenant_id, "email": email},
            session=self._session,
        )
        return result.deleted_count == 1

    async def suppressed(self, tenant_id: str, emails: list[str]) -> set[str]:
        """Which of ``emails`` are on the tenant's list."""
        if not emails:
            return set()
        documents = await self._find(
            {"tenant_id": tenant_id, "email": {"$in": emails}}, projection={"email": 1}
        )
        return {d["email"] for d in documents}

    async def page(self, tenant_id: str, after_email: str | None, limit: int) -> list[Suppression]:
        """Up to ``limit`` entries in address order, after ``after_email``."""
        query: Document = {"tenant_id": tenant_id}
        if after_email is not None:
            query["email"] = {"$gt": after_email}
        cursor = self._collection.find(query, session=self._session, limit=limit)
        return [suppression_from(d) async for d in cursor.sort([("email", 1)])]
