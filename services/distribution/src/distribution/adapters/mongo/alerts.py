"""Collections ``alert_recipients`` (one document per tenant, ``_id`` the tenant id) and
``alerts`` (the spike of each alert, what the worker composes it from)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from distribution.adapters.mongo.base import Repository
from distribution.domain.alerts import AlertRecipients
from distribution.domain.releases import ReleaseFacts
from newsroom_shared.events.listening import MentionSpike
from newsroom_shared.mongo import Document


class MongoAlertRecipients(Repository):
    COLLECTION = "alert_recipients"

    async def get(self, tenant_id: str) -> AlertRecipients | None:
        found = await self._collection.find_one(
            {"_id": tenant_id, "tenant_id": tenant_id}, session=self._session
        )
        if found is None:
            return None
        return AlertRecipients(
            tenant_id,
            tuple(found["emails"]),
            tuple(found["webhook_channel_ids"]),
            found["updated_at"],
        )

    async def save(self, recipients: AlertRecipients) -> None:
        tenant = recipients.tenant_id
        document: Document = {
            "tenant_id": tenant,
            "emails": list(recipients.emails),
            "webhook_channel_ids": list(recipients.webhook_channel_ids),
            "updated_at": recipients.updated_at,
        }
        await self._collection.replace_one(
            {"_id": tenant, "tenant_id": tenant}, document, upsert=True, session=self._session
        )


class MongoAlerts(Repository):
    COLLECTION = "alerts"
    INDEXES: tuple[list[tuple[str, int]], ...] = ([("tenant_id", 1), ("_id", 1)],)

    async def remember(self, alert_id: str, spike: MentionSpike) -> None:
        facts: dict[str, Any] = spike.model_dump(mode="json")
        facts["event_type"] = spike.ce_type
        await self._collection.replace_one(
            {"_id": alert_id, "tenant_id": spike.tenant_id},
            facts,
            upsert=True,
            session=self._session,
        )

    async def of_ids(self, tenant_id: str, alert_ids: list[str]) -> Mapping[str, ReleaseFacts]:
        documents = await self._find({"tenant_id": tenant_id, "_id": {"$in": alert_ids}})
        return {d["_id"]: d for d in documents}
