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


def _confirmed(tenant_id: str, newsroom_id: str, after: str | None) -> Document:
    query: Document = {
        "tenant_id": tenant_id,
        "newsroom_id": newsroom_id,
        "status": str(SubscriberStatus.CONFIRMED),
    }
    if after is not None:
        query["_id"] = {"$gt": after}
    return query


class MongoSubscribers(Repository):
    COLLECTION = "subscribers"
    INDEXES: tuple[list[tuple[str, int]], ...] = (
        # A newsroom's confirmed subscribers page by page, in id order (fan-outs).
        [("tenant_id", 1), ("newsroom_id", 1), ("status", 1), ("_id", 1)],
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

    async def confirmed_page(
        self, tenant_id: str, newsroom_id: str, *, after: str | None, limit: int
    ) -> list[Subscriber]:
        """Up to ``limit`` confirmed subscribers of the newsroom in id order after ``after``
        (a fan-out's page: one bounded scan of the index below; whether each is still
        reachable is the caller's to check)."""
        cursor = self._collection.find(
            _confirmed(tenant_id, newsroom_id, after),
            session=self._session,
            limit=limit,
            batch_size=limit,  # the page in one reply
        )
        return [subscriber_from(d) async for d in cursor.sort([("_id", 1)])]

    async def of_ids(self, tenant_id: str, subscriber_ids: list[str]) -> dict[str, Subscriber]:
        documents = await self._find({"_id": {"$in": subscriber_ids}, "tenant_id": tenant_id})
        return {d["_id"]: subscriber_from(d) for d in documents}

    async def with_email(self, tenant_id: str, email: str) -> list[Subscriber]:
        """The address's subscriptions in every newsroom of the tenant."""
        documents = await self._find({"tenant_id": tenant_id, "email": email})
        return [subscriber_from(d) for d in documents]

    async def of_newsroom_with_email(
        self, tenant_id: str, newsroom_id: str, email: str
    ) -> Subscriber | None:
        document = await self._collection.find_one(
            {"tenant_id": tenant_id, "newsroom_id": newsroom_id, "email": email},
            session=self._session,
        )
        return subscriber_from(document) if document else None

    async def page(
        self,
        tenant_id: str,
        *,
        newsroom_id: str | None,
        status: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[Subscriber]:
        query: Document = {"tenant_id": tenant_id}
        if newsroom_id is not None:
            query["newsroom_id"] = newsroom_id
        if status is not None:
            query["status"] = status
        if after_id is not None:
            query["_id"] = {"$gt": after_id}
        cursor = self._collection.find(query, session=self._session, limit=limit)
        return [subscriber_from(d) async for d in cursor.sort([("_id", 1)])]

    async def flag(self, tenant_id: str, email: str, *, bounced: bool, complained: bool) -> None:
        """Sets the bounce / complaint flags of every subscription of the address."""
        changes = {
            name: True for name, on in (("bounced", bounced), ("complained", complained)) if on
        }
        if changes:
            await self._collection.update_many(
                {"tenant_id": tenant_id, "email": email}, {"$set": changes}, session=self._session
            )

    async def remove(self, tenant_id: str, subscriber_ids: list[str]) -> None:
        await self._collection.delete_many(
            {"_id": {"$in": subscriber_ids}, "tenant_id": tenant_id}, session=self._session
        )
