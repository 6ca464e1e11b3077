"""Collection ``comments``: every comment, with its author's raw email (which never leaves
this service) beside the digest that events carry. Every query starts with the tenant."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from comments.adapters.mongo.base import insert_all
from comments.adapters.page_scopes import release_part
from comments.domain.batch import Author, TextPlace, TextProbe
from comments.domain.comment import Awaiting, Comment, Place, Status
from comments.domain.markup import Body
from comments.service.ports import Order, Position, QueueFilter
from newsroom_shared.mongo import Document
from newsroom_shared.page_versions import PageWriter

APPROVED = Status.approved.value


def comment_document(comment: Comment) -> Document:
    return {
        "_id": comment.id,
        "tenant_id": comment.tenant_id,
        "release_id": comment.release_id,
        "newsroom_id": comment.newsroom_id,
        "parent_id": comment.place.parent_id,
        "root_id": comment.root_id,
        "depth": comment.place.depth,
        "author_name": comment.author_name,
        "email": comment.email,
        "email_hash": comment.email_hash,
        "client_hash": comment.client_hash,
        "body_html": comment.body.html,
        "body_text": comment.body.text,
        "links": comment.body.links,
        "text_digest": comment.body.digest if comment.body.text else None,
        "status": comment.status.value,
        "posted_at": comment.posted_at,
        "is_official_reply": comment.is_official_reply,
        "staff_key_id": comment.staff_key_id,
        "hold_reasons": list(comment.hold_reasons),
        "needs_review": comment.needs_review,
        "reports": comment.reports,
        "reactions": dict(comment.reactions),
        "edited_at": comment.edited_at,
        "deleted_at": comment.deleted_at,
        "awaiting": _awaiting_document(comment.awaiting),
        # Removed by the TTL index once past: an unverified comment is kept no longer.
        "unverified_until": comment.awaiting.until if comment.awaiting else None,
    }


def _awaiting_document(awaiting: Awaiting | None) -> Document | None:
    if awaiting is None:
        return None
    return {
        "status": awaiting.status.value,
        "hold_reasons": list(awaiting.hold_reasons),
        "needs_review": awaiting.needs_review,
        "until": awaiting.until,
    }


def _awaiting(d: Document | None) -> Awaiting | None:
    if d is None:
        return None
    return Awaiting(Status(d["status"]), tuple(d["hold_reasons"]), d["needs_review"], d["until"])


def _comment(d: Document) -> Comment:
    root_id = d["root_id"] if d["depth"] > 0 else None
    return Comment(
        id=d["_id"],
        tenant_id=d["tenant_id"],
        release_id=d["release_id"],
        newsroom_id=d["newsroom_id"],
        place=Place(parent_id=d["parent_id"], root_id=root_id, depth=d["depth"]),
        author_name=d["author_name"],
        email=d["email"],
        email_hash=d["email_hash"],
        client_hash=d["client_hash"],
        body=Body(html=d["body_html"], text=d["body_text"], links=d["links"]),
        status=Status(d["status"]),
        posted_at=d["posted_at"],
        is_official_reply=d["is_official_reply"],
        staff_key_id=d["staff_key_id"],
        hold_reasons=tuple(d["hold_reasons"]),
        needs_review=d["needs_review"],
        reports=d["reports"],
        reactions=dict(d["reactions"]),
        edited_at=d["edited_at"],
        deleted_at=d["deleted_at"],
        awaiting=_awaiting(d.get("awaiting")),
    )


def _after(order: Order, after: Position) -> Document:
    beyond = "$lt" if order is Order.newest else "$gt"
    return {
        "$or": [
            {"posted_at": {beyond: after.posted_at}},
            {"posted_at": after.posted_at, "_id": {beyond: after.comment_id}},
        ]
    }


class MongoComments(PageWriter):
    """Every write that can change a thread notes its release's part of the pages: a comment
    stored shown, and any change to a stored one (it may have been shown before, or be now)."""

    COLLECTION = "comments"

    async def add(self, comment: Comment) -> None:
        if comment.visible:
            self._pages.note(comment.tenant_id, release_part(comment.release_id))
        await self._collection.insert_one(comment_document(comment), **self._opts())

    async def add_all(self, comments: Sequence[Comment]) -> None:
        for comment in comments:
            if comment.visible:
                self._pages.note(comment.tenant_id, release_part(comment.release_id))
        documents = [comment_document(comment) for comment in comments]
        await insert_all(self._collection, documents, **self._opts())

    async def get(self, tenant_id: str, comment_id: str) -> Comment | None:
        found = await self._find_one({"tenant_id": tenant_id, "_id": comment_id})
        return None if found is None else _comment(found)

    async def save(self, comment: Comment) -> None:
        self._pages.note(comment.tenant_id, release_part(comment.release_id))
        await self._collection.replace_one(
            {"tenant_id": comment.tenant_id, "_id": comment.id},
            comment_document(comment),
            **self._opts(),
        )

    async def thread(
        self, tenant_id: str, release_id: str, order: Order, after: Position | None, limit: int
    ) -> tuple[list[Comment], list[Comment]]:
        """One aggregate: the page's roots (the thread index), each with its visible replies
        joined by ``root_id`` within the same tenant and release (the replies index)."""
        visible: Document = {"tenant_id": tenant_id, "release_id": release_id, "status": APPROVED}
        roots: Document = {**visible, "depth": 0}
        if after is not None:
            roots.update(_after(order, after))
        direction = -1 if order is Order.newest else 1
        replies = {**visible, "depth": {"$gt": 0}}
        pipeline: list[Document] = [
            {"$match": roots},
            {"$sort": {"posted_at": direction, "_id": direction}},
            {"$limit": limit},
            {
                "$lookup": {
                    # Equality on root_id (MongoDB 5.0's form: the replies index serves
                    # it), the rest as a match: only this tenant's and release's replies.
                    "from": self.COLLECTION,
                    "localField": "_id",
                    "foreignField": "root_id",
                    "pipeline": [{"$match": replies}],
                    "as": "thread_replies",
                }
            },
        ]
        found: list[Comment] = []
        under: list[Comment] = []
        async for row in await self._collection.aggregate(pipeline, **self._opts()):
            under.extend(_comment(reply) for reply in row.pop("thread_replies"))
            found.append(_comment(row))
        return found, under

    async def count_visible(self, tenant_id: str, release_id: str) -> int:
        return await self._collection.count_documents(
            {"tenant_id": tenant_id, "release_id": release_id, "status": APPROVED},
            **self._opts(),
        )

    async def queue(
        self, tenant_id: str, where: QueueFilter, after_id: str | None, limit: int
    ) -> list[Comment]:
        query: dict[str, Any] = {"tenant_id": tenant_id, "needs_review": True}
        for name, value in (
            ("newsroom_id", where.newsroom_id),
            ("release_id", where.release_id),
            ("status", where.status.value if where.status else None),
            ("hold_reasons", where.reason),
        ):
            if value is not None:
                query[name] = value
        if after_id is not None:
            query["_id"] = {"$gt": after_id}
        rows = await self._find(query, sort=[("_id", 1)], limit=limit)
        return [_comment(row) for row in rows]

    async def approved_count(
        self, tenant_id: str, newsroom_id: str, email_hash: str, up_to: int
    ) -> int:
        return await self._collection.count_documents(
            {
                "tenant_id": tenant_id,
                "email_hash": email_hash,
                "newsroom_id": newsroom_id,
                "status": APPROVED,
            },
            limit=up_to,
            **self._opts(),
        )

    async def has_duplicate(
        self,
        tenant_id: str,
        digest: str,
        release_id: str,
        email_hash: str | None,
        *,
        except_id: str | None = None,
    ) -> bool:
        same_place: list[Document] = [{"release_id": release_id}]
        if email_hash is not None:
            same_place.append({"email_hash": email_hash})
        query: Document = {"tenant_id": tenant_id, "text_digest": digest, "$or": same_place}
        if except_id is not None:
            query["_id"] = {"$ne": except_id}
        return await self._find_one(query) is not None

    async def approved_counts(self, authors: Sequence[Author]) -> dict[Author, int]:
        """One aggregate over the author index: per tenant, the batch's authors' approved
        comments in its newsrooms, counted by author and newsroom."""
        by_tenant: dict[str, list[Author]] = {}
        for author in authors:
            by_tenant.setdefault(author.tenant_id, []).append(author)
        if not by_tenant:
            return {}
        branches: list[Document] = [
            {
                "tenant_id": tenant_id,
                "email_hash": {"$in": sorted({a.email_hash for a in of_tenant})},
                "newsroom_id": {"$in": sorted({a.newsroom_id for a in of_tenant})},
                "status": APPROVED,
            }
            for tenant_id, of_tenant in by_tenant.items()
        ]
        group = {
            "tenant_id": "$tenant_id",
            "newsroom_id": "$newsroom_id",
            "email_hash": "$email_hash",
        }
        pipeline: list[Document] = [
            {"$match": _any_of(branches)},
            {"$group": {"_id": group, "count": {"$sum": 1}}},
        ]
        wanted = set(authors)
        counts: dict[Author, int] = {}
        async for row in await self._collection.aggregate(pipeline, **self._opts()):
            author = Author(**row["_id"])
            if author in wanted:  # the $in's cross product may name other pairs
                counts[author] = int(row["count"])
        return counts

    async def places_of(self, probes: Sequence[TextProbe]) -> list[TextPlace]:
        """One query over the text index: per tenant, the comments with one of the batch's
        texts on one of its releases or by one of its authors."""
        by_tenant: dict[str, list[TextProbe]] = {}
        for probe in probes:
            by_tenant.setdefault(probe.tenant_id, []).append(probe)
        if not by_tenant:
            return []
        branches = [_places_in_tenant(tenant_id, of) for tenant_id, of in by_tenant.items()]
        fields = {"tenant_id": 1, "text_digest": 1, "release_id": 1, "email_hash": 1}
        cursor = self._collection.find(_any_of(branches), fields, **self._opts())
        return [
            TextPlace(d["tenant_id"], d["text_digest"], d["release_id"], d["email_hash"])
            async for d in cursor
        ]


def _places_in_tenant(tenant_id: str, probes: Sequence[TextProbe]) -> Document:
    same_place: list[Document] = [{"release_id": {"$in": sorted({p.release_id for p in probes})}}]
    hashes = sorted({p.email_hash for p in probes if p.email_hash is not None})
    if hashes:
        same_place.append({"email_hash": {"$in": hashes}})
    return {
        "tenant_id": tenant_id,
        "text_digest": {"$in": sorted({p.digest for p in probes})},
        "$or": same_place,
    }


def _any_of(branches: Sequence[Document]) -> Document:
    """The filter of one tenant as it is; several tenants' under ``$or``, each branch scoped
    by its own tenant."""
    return dict(branches[0]) if len(branches) == 1 else {"$or": list(branches)}
