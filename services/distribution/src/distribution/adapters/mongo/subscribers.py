"""Collection ``subscribers``: a newsroom's email subscribers with their consent record."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from distribution.adapters.mongo.base import Repository
from distribution.domain.subscribers import Consent, Subscriber, SubscriberStatus
from newsroom_shared.mongo import Document


def subscriber_document(subscriber: Subscriber) -> Document:
    document: dict[str, Any] = asdict(subscriber)
    document["_id"] = document.pop("id")
    document["status"] = str(subscriber.status)
    document["categories"] = list(subscriber.categories)
    return document


def subscriber_from(document: Document) -> Subscriber:
    fields = {k: v for k, v in document.items() if k != "_id"}
    return Subscriber(
        **{
            **fields,
            "id": document["_id"],
            "consent": Consent(**document["consent"]),
            "categories": tuple(document["categories"]),
            "status": SubscriberStatus(document["status"]),
        }
    )


class MongoSubscribers(Repository):
    COLLECTION = "subscribers"
    INDEXES: tuple[list[tuple[str, int]], ...] = (
        [("tenant_id", 1), ("newsroom_id", 1), ("status", 1)],
    )
    UNIQUE_INDEXES: tuple[list[tuple[str, int]], ...] = (
        [("tenant_id", 1), ("newsroom_id", 1), ("email", 1)],
    )

    async def save(self, subscriber: Subscriber) -> None:
        await self._collection.replace_one(
            {"_id": subscriber.id, "tenant_id": subscriber.tenant_id},
            subscriber_document(subscriber),
            upsert=True,
            session=self._session,
        )

    async def add_many(self, subscribers: list[Subscriber]) -> None:
        if subscribers:
            await self._collection.insert_many(
                [subscriber_document(s) for s in subscribers], session=self._session
            )

    async def reachable(self, tenant_id: str, newsroom_id: str) -> list[Subscriber]:
        """Confirmed subscribers of the newsroom who neither bounced nor complained."""
        documents = await self._find(
            {
                "tenant_id": tenant_id,
                "newsroom_id": newsroom_id,
                "status": str(SubscriberStatus.CONFIRMED),
                "bounced": False,
                "complained": False,
            }
        )
        return [subscriber_from(d) for d in documents]

    async def of_ids(self, tenant_id: str, subscriber_ids: list[str]) -> dict[str, Subscriber]:
        documents = await self._find({"tenant_id": tenant_id, "_id": {"$in": subscriber_ids}})
        return {d["_id"]: subscriber_from(d) for d in documents}
