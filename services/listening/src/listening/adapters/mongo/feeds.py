"""Collection ``feeds``: each tenant's feed sources and their polling state.

**The claim** (as distribution claims deliveries): the ids of due feeds come from the
``(next_poll_at)`` index, soonest due first; one ``update_many`` moves those still due to
``next_poll_at = lease_until`` under a fresh claim token. When it took every candidate (the
usual case) the claimed feeds are the candidates as read; when another replica took some,
they are read back by the token. Two replicas never claim the same feed: the loser's update
matches nothing. A replica that dies mid-poll leaves ``next_poll_at`` at its lease's end, when
the feed is due again. The search spans tenants by design: the poller serves them all.

A poll's result is stored only where its claim still holds (``{_id, tenant_id, claim}``).
A disabled feed has no ``next_poll_at``: no claim finds it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from listening.adapters.mongo.base import Repository
from listening.domain.errors import DuplicateFeedError
from listening.domain.feeds import Feed, Validators
from newsroom_shared.mongo import Document

_STATE = (
    "name",
    "kind",
    "last_fetched_at",
    "last_error",
    "last_error_at",
    "consecutive_failures",
    "not_found_streak",
    "disabled_reason",
)
_WITHOUT_SEEN = {"seen": 0}  # what the API reads: the remembered ids are the poller's


def _state(feed: Feed) -> Document:
    fields: dict[str, Any] = {name: getattr(feed, name) for name in _STATE}
    fields["etag"] = feed.validators.etag
    fields["last_modified"] = feed.validators.last_modified
    fields["seen"] = list(feed.seen)
    return fields


def _document(feed: Feed) -> Document:
    document: Document = {
        "_id": feed.id,
        "tenant_id": feed.tenant_id,
        "url": feed.url,
        "created_at": feed.created_at,
        **_state(feed),
    }
    if feed.next_poll_at is not None:
        document["next_poll_at"] = feed.next_poll_at
    return document


def _feed(document: Document) -> Feed:
    return Feed(
        id=document["_id"],
        tenant_id=document["tenant_id"],
        url=document["url"],
        name=document.get("name"),
        created_at=document["created_at"],
        next_poll_at=document.get("next_poll_at"),
        kind=document.get("kind"),
        validators=Validators(document.get("etag"), document.get("last_modified")),
        seen=tuple(document.get("seen") or ()),
        last_fetched_at=document.get("last_fetched_at"),
        last_error=document.get("last_error"),
        last_error_at=document.get("last_error_at"),
        consecutive_failures=document.get("consecutive_failures", 0),
        not_found_streak=document.get("not_found_streak", 0),
        disabled_reason=document.get("disabled_reason"),
    )


class MongoFeeds(Repository):
    COLLECTION = "feeds"

    async def add(self, feed: Feed) -> None:
        try:
            await self._collection.insert_one(_document(feed), **self._opts())
        except DuplicateKeyError:
            raise DuplicateFeedError(f"this tenant already polls {feed.url}") from None

    async def get(self, tenant_id: str, feed_id: str) -> Feed | None:
        found = await self._collection.find_one(
            {"_id": feed_id, "tenant_id": tenant_id}, _WITHOUT_SEEN, **self._opts()
        )
        return None if found is None else _feed(found)

    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[Feed]:
        where: Document = {"tenant_id": tenant_id}
        if after_id is not None:
            where["_id"] = {"$lt": after_id}
        cursor = self._collection.find(where, _WITHOUT_SEEN, **self._opts())
        return [_feed(row) async for row in cursor.sort([("_id", DESCENDING)]).limit(limit)]

    async def count(self, tenant_id: str) -> int:
        return await self._collection.count_documents({"tenant_id": tenant_id}, **self._opts())

    async def delete(self, tenant_id: str, feed_id: str) -> bool:
        result = await self._collection.delete_one(
            {"_id": feed_id, "tenant_id": tenant_id}, **self._opts()
        )
        return result.deleted_count == 1

    async def claim_due(
        self, now: datetime, limit: int, *, claim: str, lease_until: datetime
    ) -> list[Feed]:
        """Two commands whatever ``limit``; three when another replica took some candidates."""
        due: Document = {"next_poll_at": {"$lte": now}}
        candidates = await self._find(due, sort=[("next_poll_at", 1)], limit=limit)
        if not candidates:
            return []
        ids = [candidate["_id"] for candidate in candidates]
        claiming = {"next_poll_at": lease_until, "claim": claim}
        result = await self._collection.update_many(
            {"_id": {"$in": ids}, **due}, {"$set": claiming}, **self._opts()
        )
        if result.modified_count == len(candidates):
            return [_feed(candidate | claiming) for candidate in candidates]
        if result.modified_count == 0:
            return []
        taken = self._collection.find({"_id": {"$in": ids}, "claim": claim}, **self._opts())
        return [_feed(document) async for document in taken]

    async def release(self, feed: Feed, claim: str) -> bool:
        update: Document = {"$set": _state(feed), "$unset": {"claim": ""}}
        if feed.next_poll_at is None:
            update["$unset"]["next_poll_at"] = ""
        else:
            update["$set"]["next_poll_at"] = feed.next_poll_at
        result = await self._collection.update_one(
            {"_id": feed.id, "tenant_id": feed.tenant_id, "claim": claim}, update, **self._opts()
        )
        return result.matched_count == 1
