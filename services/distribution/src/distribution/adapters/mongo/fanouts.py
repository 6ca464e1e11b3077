"""Collections ``fan_outs`` (email fan-outs still being planned) and ``ready`` (the ready queue).

See :mod:`distribution.domain.fanouts` for why both exist. Both are small: a fan-out is one
document per (release event, email channel), kept a month after it finished; a ready page lives
from the transaction that planned its deliveries to the one that records their first outcomes.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from distribution.adapters.mongo.base import Repository
from distribution.domain.fanouts import READY_PAGE, FanOut
from newsroom_shared.mongo import Document

_FIELDS = tuple(f.name for f in dataclasses.fields(FanOut))
RETENTION_S = 30 * 24 * 3600


class FanOutMovedError(Exception):
    """Another transaction planned this page first (two workers on one fan-out): roll back."""


def fan_out_document(fan_out: FanOut) -> Document:
    document: dict[str, Any] = {name: getattr(fan_out, name) for name in _FIELDS}
    document["_id"] = document.pop("id")
    return document


def fan_out_from(document: Document) -> FanOut:
    fields = {name: document[name] for name in _FIELDS if name in document and name != "id"}
    return FanOut(id=document["_id"], **fields)


class MongoFanOuts(Repository):
    COLLECTION = "fan_outs"
    INDEXES: tuple[list[tuple[str, int]], ...] = (
        # The open ones, least recently advanced first: pages of concurrent fan-outs take turns.
        [("done", 1), ("updated_at", 1)],
        [("tenant_id", 1), ("release_id", 1)],
    )
    TTL_INDEXES: tuple[tuple[str, int], ...] = (("finished_at", RETENTION_S),)

    async def start(self, fan_out: FanOut) -> bool:
        """Stores a new fan-out; False if it exists already (the release was published again).

        Looked up first: a duplicate key error would abort the caller's transaction."""
        if await self.get(fan_out.tenant_id, fan_out.id) is not None:
            return False
        await self._collection.insert_one(fan_out_document(fan_out), session=self._session)
        return True

    async def get(self, tenant_id: str, fan_out_id: str) -> FanOut | None:
        document = await self._collection.find_one(
            {"_id": fan_out_id, "tenant_id": tenant_id}, session=self._session
        )
        return fan_out_from(document) if document else None

    async def next_open(self) -> FanOut | None:
        """The open fan-out that waited longest for its next page (any tenant: the worker's)."""
        cursor = self._collection.find({"done": False}, session=self._session, limit=1)
        documents = await cursor.sort([("updated_at", 1)]).to_list()
        return fan_out_from(documents[0]) if documents else None

    async def advance(self, before: FanOut, after: FanOut) -> None:
        """Writes ``after`` if the fan-out is still at ``before``'s page (else FanOutMovedError)."""
        result = await self._collection.replace_one(
            {"_id": before.id, "tenant_id": before.tenant_id, "after": before.after, "done": False},
            fan_out_document(after),
            session=self._session,
        )
        if result.matched_count != 1:
            raise FanOutMovedError(before.id)

    async def close_release(self, tenant_id: str, release_id: str, now: datetime) -> int:
        """No more pages for the release's open fan-outs (it was withdrawn)."""
        result = await self._collection.update_many(
            {"tenant_id": tenant_id, "release_id": release_id, "done": False},
            {"$set": {"done": True, "updated_at": now, "finished_at": now}},
            session=self._session,
        )
        return result.modified_count


@dataclass(frozen=True, slots=True)
class ReadyPage:
    """A page of the ready queue as a worker took it: its deliveries are this worker's first
    attempts until ``lease_until`` (``takes`` > 1: an earlier taker may have attempted some)."""

    id: str
    tenant_id: str
    delivery_ids: list[str]
    takes: int


class MongoReadyQueue(Repository):
    """Pages of planned delivery ids, each of one tenant, taken whole by the worker.

    A page stays in the queue until its deliveries' first outcomes are recorded: taking it leases
    it (``lease_until``, ``claim``), and a page whose worker died is taken again once its lease
    has run out. The lease on the page is what keeps two workers from sending its emails at once
    (see :func:`distribution.service.attempts.claim_ready`)."""

    COLLECTION = "ready"

    async def put(self, tenant_id: str, delivery_ids: Sequence[str], now: datetime) -> None:
        if not delivery_ids:
            return
        pages = [delivery_ids[i : i + READY_PAGE] for i in range(0, len(delivery_ids), READY_PAGE)]
        batch = uuid.uuid4().hex
        await self._collection.insert_many(
            [
                # Ids sort by time of queueing, then by position, so the oldest page goes first.
                {
                    "_id": f"{now.isoformat()}-{batch}-{number:06d}",
                    "tenant_id": tenant_id,
                    "delivery_ids": list(page),
                    "queued_at": now,
                    "lease_until": now,
                    "takes": 0,
                }
                for number, page in enumerate(pages)
            ],
            session=self._session,
        )

    async def take(
        self, limit: int, now: datetime, *, claim: str, lease_until: datetime
    ) -> list[ReadyPage]:
        """Leases the oldest pages free to take (never taken, or their lease ran out) to
        ``claim`` until ``lease_until``: at most ``limit`` ids in all, but at least one page (a
        page is never split). Two takers of one page conflict: one transaction rolls back."""
        # Not leased now (a page queued before leases has no lease_until: free too).
        free: Document = {"lease_until": {"$not": {"$gt": now}}}
        # Pages hold up to READY_PAGE ids: read a few more than full ones would need.
        pages = max(1, limit // READY_PAGE) + 8
        cursor = self._collection.find(free, session=self._session, limit=pages)
        taken: list[ReadyPage] = []
        count = 0
        async for document in cursor.sort([("_id", 1)]):
            if taken and count + len(document["delivery_ids"]) > limit:
                break
            taken.append(
                ReadyPage(
                    id=document["_id"],
                    tenant_id=document["tenant_id"],
                    delivery_ids=document["delivery_ids"],
                    takes=document.get("takes", 0) + 1,
                )
            )
            count += len(document["delivery_ids"])
        if taken:
            await self._collection.update_many(
                {"_id": {"$in": [page.id for page in taken]}, **free},
                {"$set": {"lease_until": lease_until, "claim": claim}, "$inc": {"takes": 1}},
                session=self._session,
            )
        return taken

    async def finish(self, page_ids: Sequence[str], claim: str) -> None:
        """Removes pages whose first attempts are all recorded (if ``claim`` still holds them)."""
        if page_ids:
            await self._collection.delete_many(
                {"_id": {"$in": list(page_ids)}, "claim": claim}, session=self._session
            )

    async def backlog(self) -> int:
        """Pages waiting or being sent (for the planner's back-pressure)."""
        return await self._collection.count_documents({}, session=self._session)
