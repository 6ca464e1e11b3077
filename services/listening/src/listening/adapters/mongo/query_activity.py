"""Collection ``query_activity``: one small document per query for spike detection: mentions
and negative mentions per UTC hour (``buckets``, keyed ``YYYYMMDDHH``; at most 15 days of
them, older ones dropped), the newest mentions (``recent``, capped) and the open episode.

One document per query rather than one per query and hour: counting a mention and reading
every bucket the windows need is then one ``findOneAndUpdate``, and the document stays a few
kilobytes (360 hours of two counters at most).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pymongo import ASCENDING, ReturnDocument

from listening.adapters.mongo.base import Repository
from listening.domain.spikes import (
    RECENT_KEPT,
    Bucket,
    Episode,
    QueryActivity,
    RecentMention,
    hour_of,
)
from newsroom_shared.mongo import Document

KEY_FORMAT = "%Y%m%d%H"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _key(hour: datetime) -> str:
    return hour.strftime(KEY_FORMAT)


def _hour(key: str) -> datetime:
    return datetime.strptime(key, KEY_FORMAT).replace(tzinfo=UTC)


def _activity(document: Document) -> QueryActivity:
    buckets = {
        _hour(key): Bucket(value.get("c", 0), value.get("n", 0))
        for key, value in document.get("buckets", {}).items()
    }
    recent = tuple(
        RecentMention(row["id"], row["at"], row["negative"]) for row in document.get("recent", [])
    )
    found = document.get("episode")
    episode = None if found is None else Episode(found["started_at"], found["window"])
    return QueryActivity(buckets, recent, episode)


class MongoQueryActivity(Repository):
    COLLECTION = "query_activity"

    async def record(self, tenant_id: str, query_id: str, mention: RecentMention) -> QueryActivity:
        key = _key(hour_of(mention.at))
        row = {"id": mention.mention_id, "at": mention.at, "negative": mention.negative}
        document = await self._collection.find_one_and_update(
            {"_id": query_id, "tenant_id": tenant_id},
            {
                "$inc": {f"buckets.{key}.c": 1, f"buckets.{key}.n": int(mention.negative)},
                "$push": {"recent": {"$each": [row], "$slice": -RECENT_KEPT}},
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=self._session,
        )
        assert document is not None  # an upsert answering the document after it
        return _activity(document)

    async def uncount(self, tenant_id: str, query_id: str, mention: RecentMention) -> None:
        key = _key(hour_of(mention.at))
        await self._collection.update_one(
            {"_id": query_id, "tenant_id": tenant_id, f"buckets.{key}.c": {"$gt": 0}},
            {
                "$inc": {f"buckets.{key}.c": -1, f"buckets.{key}.n": -int(mention.negative)},
                "$pull": {"recent": {"id": mention.mention_id}},
            },
            session=self._session,
        )

    async def settle(
        self,
        tenant_id: str,
        query_id: str,
        *,
        episode: Episode | None,
        stale_hours: Sequence[datetime],
    ) -> None:
        stored = None if episode is None else _episode_document(episode)
        change: Document = {"$set": {"episode": stored}}
        if stale_hours:
            change["$unset"] = {f"buckets.{_key(hour)}": "" for hour in stale_hours}
        await self._collection.update_one(
            {"_id": query_id, "tenant_id": tenant_id}, change, **self._opts()
        )

    async def get(self, tenant_id: str, query_id: str) -> QueryActivity | None:
        found = await self._find_one({"_id": query_id, "tenant_id": tenant_id})
        return None if found is None else _activity(found)

    async def with_open_episode(self, *, limit: int) -> list[tuple[str, str]]:
        # Across tenants by design (the sweep serves them all); "episode.started_at" is null
        # or missing for a query without an open episode, which the range leaves out.
        rows = await self._find(
            {"episode.started_at": {"$gt": EPOCH}},
            sort=[("episode.started_at", ASCENDING)],
            limit=limit,
        )
        return [(row["tenant_id"], row["_id"]) for row in rows]

    async def forget(self, tenant_id: str, query_id: str) -> None:
        await self._collection.delete_one({"_id": query_id, "tenant_id": tenant_id}, **self._opts())


def _episode_document(episode: Episode) -> Document:
    return {"started_at": episode.started_at, "window": episode.window}
