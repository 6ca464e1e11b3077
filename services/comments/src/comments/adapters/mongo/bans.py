"""Collection ``bans``: banned email and client digests per tenant."""

from __future__ import annotations

from collections.abc import Sequence

from comments.adapters.mongo.base import Repository, scoped_id
from comments.domain.moderation import Ban, BanKind
from newsroom_shared.mongo import Document


def _ban(d: Document) -> Ban:
    return Ban(
        tenant_id=d["tenant_id"],
        kind=BanKind(d["kind"]),
        digest=d["digest"],
        reason=d["reason"],
        banned_at=d["banned_at"],
        by_key_id=d["by_key_id"],
    )


class MongoBans(Repository):
    COLLECTION = "bans"

    async def put(self, ban: Ban) -> None:
        await self._collection.replace_one(
            {"_id": scoped_id(ban.tenant_id, ban.id)},
            {
                "tenant_id": ban.tenant_id,
                "ban_id": ban.id,
                "kind": ban.kind.value,
                "digest": ban.digest,
                "reason": ban.reason,
                "banned_at": ban.banned_at,
                "by_key_id": ban.by_key_id,
            },
            upsert=True,
            **self._opts(),
        )

    async def remove(self, tenant_id: str, ban_id: str) -> bool:
        result = await self._collection.delete_one(
            {"_id": scoped_id(tenant_id, ban_id)}, **self._opts()
        )
        return result.deleted_count == 1

    async def any_of(self, tenant_id: str, ban_ids: Sequence[str]) -> bool:
        ids = [scoped_id(tenant_id, ban_id) for ban_id in ban_ids]
        return await self._find_one({"_id": {"$in": ids}}) is not None

    async def banned_among(self, ids: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """One query for a batch of commenters, each tenant's ids under its own tenant."""
        by_tenant: dict[str, list[str]] = {}
        for tenant_id, ban_id in ids:
            by_tenant.setdefault(tenant_id, []).append(scoped_id(tenant_id, ban_id))
        if not by_tenant:
            return set()
        query: Document = {
            "$or": [
                {"tenant_id": tenant_id, "_id": {"$in": scoped}}
                for tenant_id, scoped in by_tenant.items()
            ]
        }
        cursor = self._collection.find(query, {"tenant_id": 1, "ban_id": 1}, **self._opts())
        return {(d["tenant_id"], d["ban_id"]) async for d in cursor}

    async def page(self, tenant_id: str, after_id: str | None, limit: int) -> list[Ban]:
        query: Document = {"tenant_id": tenant_id}
        if after_id is not None:
            query["ban_id"] = {"$gt": after_id}
        rows = await self._find(query, sort=[("ban_id", 1)], limit=limit)
        return [_ban(row) for row in rows]
