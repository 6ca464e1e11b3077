"""Collection ``moderation_log``: the audit log, every decision on a comment or a ban."""

from __future__ import annotations

from collections.abc import Sequence

from comments.adapters.mongo.base import Repository, insert_all
from comments.domain.moderation import AuditEntry
from newsroom_shared.mongo import Document


def _entry(d: Document) -> AuditEntry:
    return AuditEntry(
        id=d["_id"],
        tenant_id=d["tenant_id"],
        action=d["action"],
        at=d["at"],
        actor=d["actor"],
        reason=d["reason"],
        comment_id=d["comment_id"],
        release_id=d["release_id"],
        target=d["target"],
    )


def _document(entry: AuditEntry) -> Document:
    return {
        "_id": entry.id,
        "tenant_id": entry.tenant_id,
        "action": entry.action,
        "at": entry.at,
        "actor": entry.actor,
        "reason": entry.reason,
        "comment_id": entry.comment_id,
        "release_id": entry.release_id,
        "target": entry.target,
    }


class MongoAudit(Repository):
    COLLECTION = "moderation_log"

    async def add(self, entry: AuditEntry) -> None:
        await self._collection.insert_one(_document(entry), **self._opts())

    async def add_all(self, entries: Sequence[AuditEntry]) -> None:
        await insert_all(self._collection, [_document(e) for e in entries], **self._opts())

    async def page(
        self, tenant_id: str, comment_id: str | None, after_id: str | None, limit: int
    ) -> list[AuditEntry]:
        query: Document = {"tenant_id": tenant_id}
        if comment_id is not None:
            query["comment_id"] = comment_id
        if after_id is not None:
            query["_id"] = {"$lt": after_id}
        rows = await self._find(query, sort=[("_id", -1)], limit=limit)
        return [_entry(row) for row in rows]
