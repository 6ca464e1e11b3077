"""Collection ``confirmations``: double opt-in emails to send, claimed with a lease."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from distribution.adapters.mongo.base import Repository
from distribution.domain.confirmations import ConfirmationEmail, ConfirmationStatus
from newsroom_shared.mongo import Document

_FIELDS = tuple(f.name for f in dataclasses.fields(ConfirmationEmail))
_CLAIMABLE = [str(ConfirmationStatus.PENDING), str(ConfirmationStatus.SENDING)]


def _document(confirmation: ConfirmationEmail) -> Document:
    fields: dict[str, Any] = {n: getattr(confirmation, n) for n in _FIELDS if n != "id"}
    fields["status"] = str(confirmation.status)
    return fields


def confirmation_from(document: Document) -> ConfirmationEmail:
    fields = {n: document[n] for n in _FIELDS if n in document and n != "id"}
    fields["status"] = ConfirmationStatus(document["status"])
    return ConfirmationEmail(id=document["_id"], **fields)


def _due(now: datetime) -> Document:
    return {"status": {"$in": _CLAIMABLE}, "next_attempt_at": {"$lte": now}}


class MongoConfirmations(Repository):
    COLLECTION = "confirmations"
    INDEXES: tuple[list[tuple[str, int]], ...] = (
        [("tenant_id", 1), ("subscriber_id", 1), ("created_at", -1)],
        # The mailer's due work, across tenants by design (like the deliveries').
        [("status", 1), ("next_attempt_at", 1)],
        [("claim", 1)],
    )

    async def add(self, confirmation: ConfirmationEmail) -> None:
        await self._collection.insert_one(
            {"_id": confirmation.id, **_document(confirmation)}, session=self._session
        )

    async def latest(self, tenant_id: str, subscriber_id: str) -> ConfirmationEmail | None:
        cursor = self._collection.find(
            {"tenant_id": tenant_id, "subscriber_id": subscriber_id},
            session=self._session,
            limit=1,
        ).sort([("created_at", -1)])
        found = [d async for d in cursor]
        return confirmation_from(found[0]) if found else None

    async def claim_due(
        self, now: datetime, limit: int, *, claim: str, lease_until: datetime
    ) -> list[ConfirmationEmail]:
        """Up to ``limit`` due emails, ``sending`` under ``claim`` until ``lease_until``."""
        candidates = await self._collection.find(
            _due(now), {"_id": 1}, limit=limit, session=self._session
        ).to_list()
        if not candidates:
            return []
        ids = [c["_id"] for c in candidates]
        await self._collection.update_many(
            {"_id": {"$in": ids}, **_due(now)},
            {
                "$set": {
                    "status": str(ConfirmationStatus.SENDING),
                    "next_attempt_at": lease_until,
                    "claim": claim,
                },
                "$inc": {"attempts": 1},
            },
            session=self._session,
        )
        # Read back by the token among the candidates (their ids bound the read to _id).
        documents = await self._find({"_id": {"$in": ids}, "claim": claim})
        return [confirmation_from(d) for d in documents]

    async def finish(self, confirmation: ConfirmationEmail, claim: str) -> bool:
        """Writes the attempt's result; False when the claim was lost."""
        result = await self._collection.update_one(
            {"_id": confirmation.id, "tenant_id": confirmation.tenant_id, "claim": claim},
            {"$set": _document(confirmation), "$unset": {"claim": ""}},
            session=self._session,
        )
        return result.matched_count == 1

    async def of_subscribers(self, tenant_id: str, subscriber_ids: list[str]) -> list[Document]:
        return await self._find({"tenant_id": tenant_id, "subscriber_id": {"$in": subscriber_ids}})

    async def remove_of_subscribers(self, tenant_id: str, subscriber_ids: list[str]) -> None:
        await self._collection.delete_many(
            {"tenant_id": tenant_id, "subscriber_id": {"$in": subscriber_ids}},
            session=self._session,
        )
