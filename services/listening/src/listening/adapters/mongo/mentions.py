"""Collection ``mentions``: one per tenant and post (its dedupe key), with the fingerprint's
bands for near-copy lookups and the hour for counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pymongo import DESCENDING

from listening.adapters.mongo.base import Repository
from listening.domain.dedupe import bands, near
from listening.domain.mentions import AnsweredBy, Mention, Sentiment
from listening.service.ports import HourCount, MentionFilter, MentionPosition
from newsroom_shared.mongo import Document

# The most recent candidates sharing a band that are compared: a post copied thousands of times
# is recognised by its latest copies as well as by its first.
NEAR_CANDIDATES = 100


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _document(mention: Mention) -> Document:
    return {
        "_id": mention.id,
        "tenant_id": mention.tenant_id,
        "post_key": mention.post_key,
        "dedupe_key": mention.dedupe_key,
        "signature": list(mention.signature),
        "bands": bands(mention.signature),
        "source_kind": mention.source_kind,
        "source_url": mention.source_url,
        "text": mention.text,
        "url": mention.url,
        "author": mention.author,
        "language": mention.language,
        "query_ids": list(mention.query_ids),
        "matched_terms": list(mention.matched_terms),
        "sentiment_score": mention.sentiment.score,
        "sentiment_label": mention.sentiment.label,
        "detected_at": mention.detected_at,
        "hour": _hour(mention.detected_at),
        "published_at": mention.published_at,
        "release_id": mention.release_id,
        "handled": mention.handled,
        "assignee": mention.assignee,
        "answered_by": _answer_document(mention.answered_by),
        "moderated": mention.moderated,
        "edited_at": mention.edited_at,
        "withdrawn": mention.withdrawn,
        "source_item": mention.source_item,
    }


def _revision(mention: Mention) -> Document:
    """The fields an edit or deletion at the source changes."""
    return {
        field: value
        for field, value in _document(mention).items()
        if field
        in (
            "text",
            "signature",
            "bands",
            "language",
            "query_ids",
            "matched_terms",
            "sentiment_score",
            "sentiment_label",
            "moderated",
            "edited_at",
            "withdrawn",
        )
    }


def _answer_document(answer: AnsweredBy | None) -> Document | None:
    if answer is None:
        return None
    return {"kind": answer.kind, "id": answer.id, "linked_at": answer.linked_at}


def _answer(document: Document | None) -> AnsweredBy | None:
    if document is None:
        return None
    return AnsweredBy(document["kind"], document["id"], document["linked_at"])


def _mention(document: Document) -> Mention:
    return Mention(
        id=document["_id"],
        tenant_id=document["tenant_id"],
        post_key=document["post_key"],
        dedupe_key=document["dedupe_key"],
        signature=tuple(document["signature"]),
        source_kind=document["source_kind"],
        source_url=document["source_url"],
        text=document["text"],
        url=document["url"],
        author=document["author"],
        language=document["language"],
        query_ids=tuple(document["query_ids"]),
        matched_terms=tuple(document["matched_terms"]),
        sentiment=Sentiment(document["sentiment_score"], document["sentiment_label"]),
        detected_at=document["detected_at"],
        published_at=document["published_at"],
        release_id=document["release_id"],
        handled=document["handled"],
        assignee=document["assignee"],
        # Mentions stored before these fields existed have neither.
        answered_by=_answer(document.get("answered_by")),
        moderated=document.get("moderated"),
        edited_at=document.get("edited_at"),
        withdrawn=document.get("withdrawn"),
        source_item=document.get("source_item"),
    )


def _where(tenant_id: str, where: MentionFilter) -> Document:
    query: Document = {"tenant_id": tenant_id}
    for field, value in (
        ("query_ids", where.query_id),
        ("sentiment_label", where.sentiment),
        ("source_kind", where.source_kind),
        ("language", where.language),
        ("handled", where.handled),
        ("assignee", where.assignee),
    ):
        if value is not None:
            query[field] = value
    window: Document = {}
    if where.since is not None:
        window["$gte"] = where.since
    if where.until is not None:
        window["$lt"] = where.until
    if window:
        query["detected_at"] = window
    # None matches a missing field too (mentions stored before moderation or edits were
    # followed). Taken down: by moderation, or withdrawn by an edit or deletion at the source.
    if where.taken_down:
        query["$nor"] = [{"moderated": None, "withdrawn": None}]
    else:
        query["moderated"] = None
        query["withdrawn"] = None
    return query


class MongoMentions(Repository):
    COLLECTION = "mentions"

    async def add(self, mention: Mention) -> bool:
        # Asked first rather than left to the unique index: a duplicate key error inside a
        # transaction aborts it. Copies of one URL share a partition key, so they rarely race;
        # when they do, the unique index fails one transaction and its retry finds the other.
        if await self._find_one({"tenant_id": mention.tenant_id, "dedupe_key": mention.dedupe_key}):
            return False
        await self._collection.insert_one(_document(mention), **self._opts())
        return True

    async def near_copies(
        self, tenant_id: str, signature: Sequence[int], *, since: datetime
    ) -> list[str]:
        where = {
            "tenant_id": tenant_id,
            "bands": {"$in": bands(signature)},
            "detected_at": {"$gte": since},
        }
        rows = await self._find(where, sort=[("detected_at", DESCENDING)], limit=NEAR_CANDIDATES)
        return [row["_id"] for row in rows if near(row["signature"], signature)]

    async def get(self, tenant_id: str, mention_id: str) -> Mention | None:
        found = await self._find_one({"_id": mention_id, "tenant_id": tenant_id})
        return None if found is None else _mention(found)

    async def save_triage(self, mention: Mention) -> None:
        await self._collection.update_one(
            {"_id": mention.id, "tenant_id": mention.tenant_id},
            {
                "$set": {
                    "handled": mention.handled,
                    "assignee": mention.assignee,
                    "answered_by": _answer_document(mention.answered_by),
                }
            },
            **self._opts(),
        )

    async def mark_moderated(self, tenant_id: str, post_key: str, mark: str | None) -> int:
        result = await self._collection.update_many(
            {"tenant_id": tenant_id, "post_key": post_key},
            {"$set": {"moderated": mark}},
            **self._opts(),
        )
        return result.modified_count

    async def revise(self, mention: Mention) -> None:
        await self._collection.update_one(
            {"_id": mention.id, "tenant_id": mention.tenant_id},
            {"$set": _revision(mention)},
            **self._opts(),
        )

    async def of_source_item(self, tenant_id: str, source_item: str) -> list[Mention]:
        cursor = self._collection.find(
            {"tenant_id": tenant_id, "source_item": source_item}, **self._opts()
        )
        return [_mention(row) async for row in cursor]

    async def of_post(self, tenant_id: str, post_key: str) -> list[Mention]:
        cursor = self._collection.find(
            {"tenant_id": tenant_id, "post_key": post_key}, **self._opts()
        )
        return [_mention(row) async for row in cursor]

    async def page(
        self, tenant_id: str, where: MentionFilter, *, after: MentionPosition | None, limit: int
    ) -> list[Mention]:
        query = _where(tenant_id, where)
        if after is not None:
            query["$or"] = [
                {"detected_at": {"$lt": after.detected_at}},
                {"detected_at": after.detected_at, "_id": {"$lt": after.mention_id}},
            ]
        rows = await self._find(
            query, sort=[("detected_at", DESCENDING), ("_id", DESCENDING)], limit=limit
        )
        return [_mention(row) for row in rows]

    async def hourly_counts(self, tenant_id: str, where: MentionFilter) -> list[HourCount]:
        pipeline: list[Document] = [
            {"$match": _where(tenant_id, where)},
            {
                "$group": {
                    "_id": {"hour": "$hour", "sentiment": "$sentiment_label"},
                    "count": {"$sum": 1},
                }
            },
            {"$sort": {"_id.hour": 1, "_id.sentiment": 1}},
        ]
        cursor = await self._collection.aggregate(pipeline, session=self._session)
        return [
            HourCount(row["_id"]["hour"], row["_id"]["sentiment"], row["count"])
            async for row in cursor
        ]
