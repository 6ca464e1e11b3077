"""Collection ``deliveries``: one document per (release, channel, recipient), id deterministic.

Planning inserts only the deliveries not stored yet (looked up by id first: inside a
transaction a duplicate key error would abort it), so planning again (the lift after an embargo
preview) leaves existing deliveries alone.

**One claim path for every kind** (posts, webhooks, emails): the worker's claim is the ``start``
transition done atomically in the database (:meth:`MongoDeliveries.claim_due`). The ids of due
deliveries (pending and due, or ``sending`` with their lease run out: their worker died) come
from the ``(status, next_attempt_at)`` index, oldest due first; one ``update_many`` makes those
still due ``sending`` under a fresh claim token, with ``next_attempt_at`` as the lease's expiry.
When the update took every candidate (the usual case), the claimed deliveries are the candidates
as read with the claim applied; when another worker took some, they are read back by the token.
Two workers never claim the same delivery: the loser's update matches nothing. The search spans
tenants by design: the worker serves them all.

An outcome is written only while its claim holds (:meth:`MongoDeliveries.finish_many`: one bulk
of ``UpdateOne({_id, claim}, ...)``); once the lease ran out and another worker claimed the
delivery, the old holder's claim no longer matches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import UpdateMany, UpdateOne

from distribution.adapters.mongo.base import Repository
from distribution.domain.delivery import Delivery, DeliveryStatus
from newsroom_shared.mongo import Document

_FIELDS = tuple(f.name for f in dataclasses.fields(Delivery))
_PENDING = str(DeliveryStatus.PENDING)
_SENDING = str(DeliveryStatus.SENDING)


def delivery_fields(delivery: Delivery, *, without: tuple[str, ...] = ()) -> Document:
    left_out = ("id", *without)
    fields: dict[str, Any] = {
        name: getattr(delivery, name) for name in _FIELDS if name not in left_out
    }
    fields["status"] = str(delivery.status)
    fields["remote_ids"] = list(delivery.remote_ids)
    if delivery.first_attempt_at is None:
        # Left unset, not null: the claim's $min sets it, and null would sort below any date.
        del fields["first_attempt_at"]
    return fields


def _unknown_outcome(status: str) -> Document:
    return {"outcome_unknown": True} if status == _SENDING else {}


def _claimed(candidate: Document, claiming: Document, now: datetime) -> Document:
    """A candidate as :meth:`MongoDeliveries.claim_due`'s update leaves it (times as BSON
    stores them, to the millisecond, so it equals what a read would give)."""
    now = _as_stored(now)
    first = candidate.get("first_attempt_at")
    return (
        candidate
        | claiming
        | _unknown_outcome(candidate["status"])
        | {
            "next_attempt_at": _as_stored(claiming["next_attempt_at"]),
            "attempts": candidate.get("attempts", 0) + 1,
            "first_attempt_at": now if first is None else min(first, now),
        }
    )


def _claiming(owner: str, claim: str, lease_until: datetime) -> Document:
    return {"status": _SENDING, "next_attempt_at": lease_until, "owner": owner, "claim": claim}


def _claim_update(claiming: Document, status: str, now: datetime) -> Document:
    """The update that claims deliveries of ``status``."""
    return {
        "$set": claiming | _unknown_outcome(status),
        "$inc": {"attempts": 1},
        "$min": {"first_attempt_at": now},
    }


def _as_stored(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def delivery_from(document: Document) -> Delivery:
    fields = {name: document[name] for name in _FIELDS if name in document and name != "id"}
    fields["status"] = DeliveryStatus(document["status"])
    fields["remote_ids"] = tuple(document.get("remote_ids") or ())
    return Delivery(id=document["_id"], **fields)


# Due for an attempt: pending and due, or sending with the lease run out.
def _due(now: datetime) -> Document:
    return {"status": {"$in": [_PENDING, _SENDING]}, "next_attempt_at": {"$lte": now}}


# What planning fixed for good (the identity of the delivery): an outcome never changes them,
# so writing an outcome leaves them out.
PLANNED_FIELDS = frozenset(
    {
        "tenant_id",
        "release_id",
        "newsroom_id",
        "channel_id",
        "channel_kind",
        "recipient",
        "idempotency_key",
        "created_at",
        "under_embargo",
        "alert",
    }
)


def outcome_fields(delivery: Delivery) -> Document:
    """What an outcome writes on a delivery: all but what planning fixed."""
    return {k: v for k, v in delivery_fields(delivery).items() if k not in PLANNED_FIELDS}


class MongoDeliveries(Repository):
    COLLECTION = "deliveries"
    INDEXES: tuple[list[tuple[str, int]], ...] = (
        [("tenant_id", 1), ("release_id", 1)],
        [("tenant_id", 1), ("recipient", 1)],
        # A removed or disabled channel's pending deliveries (cancel_pending).
        [("tenant_id", 1), ("channel_id", 1), ("status", 1)],
        # The worker's due work across tenants (see the module docstring).
        [("status", 1), ("next_attempt_at", 1)],
        # Posts of withdrawn releases still to delete, across tenants (the worker's).
        [("retraction_due_at", 1)],
    )

    async def add_new(
        self,
        deliveries: Sequence[Delivery],
        *,
        some_may_exist: bool = True,
        claim: tuple[str, str] | None = None,
    ) -> list[Delivery]:
        """Stores the deliveries not stored yet (all of one tenant); returns those. One
        command either way. With ``claim`` (owner, token) they are stored under that claim
        (deliveries planned ``sending`` for this process's worker: the hand-off).

        With ``some_may_exist`` each is an upsert that only inserts (the stored one, if any,
        stays as it is), and the reply names those inserted. Without it (a fan-out's page of
        subscribers no earlier plan can have reached) a plain insert: a delivery that did exist
        then fails it with a duplicate key error, aborting the transaction rather than sending
        twice."""
        if not deliveries:
            return []
        tenants = {d.tenant_id for d in deliveries}
        if len(tenants) != 1:
            raise ValueError("deliveries of one tenant at a time")
        claimed = {} if claim is None else {"owner": claim[0], "claim": claim[1]}
        if not some_may_exist:
            await self._collection.insert_many(
                [{"_id": d.id, **delivery_fields(d), **claimed} for d in deliveries],
                ordered=False,
                session=self._session,
            )
            return list(deliveries)
        tenant = tenants.pop()
        result = await self._collection.bulk_write(
            [
                UpdateOne(
                    {"_id": d.id, "tenant_id": tenant},
                    # The filter's fields go into an inserted document by themselves.
                    {"$setOnInsert": delivery_fields(d, without=("tenant_id",)) | claimed},
                    upsert=True,
                )
                for d in deliveries
            ],
            ordered=False,
            session=self._session,
        )
        inserted = set((result.upserted_ids or {}).values())
        return [d for d in deliveries if d.id in inserted]

    async def get(self, tenant_id: str, delivery_id: str) -> Delivery | None:
        document = await self._collection.find_one(
            {"_id": delivery_id, "tenant_id": tenant_id}, session=self._session
        )
        return delivery_from(document) if document else None

    async def of_release(self, tenant_id: str, release_id: str) -> list[Delivery]:
        documents = await self._find({"tenant_id": tenant_id, "release_id": release_id})
        return [delivery_from(d) for d in documents]

    async def update_many(self, deliveries: Sequence[Delivery]) -> None:
        """Writes the deliveries' new state (a withdrawal); claims stay as they are."""
        if deliveries:
            await self._collection.bulk_write(
                [
                    UpdateOne({"_id": d.id, "tenant_id": d.tenant_id}, {"$set": delivery_fields(d)})
                    for d in deliveries
                ],
                session=self._session,
            )

    async def claim_due(
        self, now: datetime, limit: int, *, owner: str, claim: str, lease_until: datetime
    ) -> list[Delivery]:
        """Up to ``limit`` due deliveries, oldest due first, now ``sending`` under ``claim``
        until ``lease_until`` (see the module docstring): two commands whatever ``limit``,
        three when another worker took some of the candidates meanwhile."""
        candidates = await self._collection.find(
            _due(now),
            sort=[("next_attempt_at", 1)],
            limit=limit,
            batch_size=limit,  # the candidates in one reply
            session=self._session,
        ).to_list()
        if not candidates:
            return []
        claiming = _claiming(owner, claim, lease_until)
        by_status: dict[str, list[str]] = {}
        for candidate in candidates:
            by_status.setdefault(candidate["status"], []).append(candidate["_id"])
        # One statement per status the candidates had, in one command. A ``sending``
        # delivery whose lease ran out: its worker died mid-attempt, so a post may exist that
        # no one recorded. Marked, so the next attempt looks for it first.
        result = await self._collection.bulk_write(
            [
                UpdateMany(
                    {"_id": {"$in": ids}, "status": status, "next_attempt_at": {"$lte": now}},
                    _claim_update(claiming, status, now),
                )
                for status, ids in by_status.items()
            ],
            ordered=False,
            session=self._session,
        )
        return await self._as_claimed(candidates, result.modified_count, claiming, now)

    async def _as_claimed(
        self, candidates: list[Document], modified: int, claiming: Document, now: datetime
    ) -> list[Delivery]:
        """The candidates a claim's update took, as they are now."""
        if modified == len(candidates):
            # The update took every candidate, from the state read: no need to read them back.
            return [delivery_from(_claimed(c, claiming, now)) for c in candidates]
        if modified == 0:
            return []
        # Another worker took some: read back by the token among the candidates (their ids
        # bound the read to the _id index; the token tells which the update took).
        return [
            delivery_from(d)
            for d in await self._find(
                {"_id": {"$in": [c["_id"] for c in candidates]}, "claim": claiming["claim"]}
            )
        ]

    async def count_due(self, now: datetime, *, up_to: int) -> int:
        """How many pending deliveries are due, counted up to ``up_to`` (the planner's
        back-pressure: a bounded count on the due index)."""
        due = {"status": _PENDING, "next_attempt_at": {"$lte": now}}
        return await self._collection.count_documents(due, limit=up_to, session=self._session)

    async def claimed(self, tenant_id: str, delivery_id: str, claim: str) -> Delivery | None:
        """The delivery if ``claim`` still holds it (no other worker took it over)."""
        document = await self._collection.find_one(
            {"_id": delivery_id, "tenant_id": tenant_id, "claim": claim}, session=self._session
        )
        return delivery_from(document) if document else None

    async def claimed_many(self, claims: Sequence[tuple[str, str, str]]) -> dict[str, Delivery]:
        """Of ``(tenant id, delivery id, claim)``, the deliveries the claims still hold, by id
        (one read, whatever the tenants)."""
        wanted = {delivery_id: (tenant_id, claim) for tenant_id, delivery_id, claim in claims}
        if not wanted:
            return {}
        tenants = sorted({tenant_id for tenant_id, _ in wanted.values()})
        documents = await self._find({"_id": {"$in": list(wanted)}, "tenant_id": {"$in": tenants}})
        return {
            d["_id"]: delivery_from(d)
            for d in documents
            if (d["tenant_id"], d.get("claim")) == wanted[d["_id"]]
        }

    async def finish_many(self, finished: Sequence[tuple[Delivery, str]]) -> int:
        """Writes each attempt's result on its delivery and releases the claim, only where
        that claim still holds, in one command: one ``UpdateOne({_id, claim})`` each. Returns
        how many matched."""
        if not finished:
            return 0
        result = await self._collection.bulk_write(
            [
                UpdateOne(
                    {"_id": d.id, "tenant_id": d.tenant_id, "claim": claim},
                    {"$set": outcome_fields(d), "$unset": {"claim": "", "owner": ""}},
                )
                for d, claim in finished
            ],
            ordered=False,
            session=self._session,
        )
        return result.matched_count

    async def request_retractions(self, deliveries: Sequence[Delivery], now: datetime) -> None:
        """Makes the deliveries' posts due for deletion by the worker."""
        ids = [d.id for d in deliveries if d.retraction_requested_at and d.retracted_at is None]
        if ids:
            await self._collection.update_many(
                {
                    "_id": {"$in": ids},
                    "tenant_id": {"$in": sorted({d.tenant_id for d in deliveries})},
                },
                {"$set": {"retraction_due_at": now}},
                session=self._session,
            )

    async def claim_retractions(
        self, now: datetime, limit: int, *, claim: str, lease_until: datetime
    ) -> list[Delivery]:
        """Up to ``limit`` posts due for deletion, held by ``claim`` until ``lease_until``
        (claimed as deliveries are: ids, one update, read back by the token)."""
        due = {"retraction_due_at": {"$lte": now}}
        candidates = await self._collection.find(
            due, {"_id": 1}, limit=limit, batch_size=limit, session=self._session
        ).to_list()
        if not candidates:
            return []
        ids = [c["_id"] for c in candidates]
        await self._collection.update_many(
            {"_id": {"$in": ids}, **due},
            {"$set": {"retraction_due_at": lease_until, "retraction_claim": claim}},
            session=self._session,
        )
        documents = await self._find({"_id": {"$in": ids}, "retraction_claim": claim})
        return [delivery_from(d) for d in documents]

    async def finish_retraction(
        self, delivery: Delivery, claim: str, retry_at: datetime | None, error: str | None
    ) -> bool:
        """Done (``retry_at`` None: retracted, or given up) or due again at ``retry_at``."""
        changes: Document = {"retracted_at": delivery.retracted_at}
        if error is not None:
            changes["retraction_error"] = error
        update: Document = {"$set": changes, "$unset": {"retraction_claim": ""}}
        if retry_at is None:
            update["$unset"]["retraction_due_at"] = ""
        else:
            changes["retraction_due_at"] = retry_at
        result = await self._collection.update_one(
            {"_id": delivery.id, "tenant_id": delivery.tenant_id, "retraction_claim": claim},
            update,
            session=self._session,
        )
        return result.matched_count == 1

    async def page_of_release(
        self,
        tenant_id: str,
        release_id: str,
        *,
        channel_id: str | None,
        status: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[Delivery]:
        """Up to ``limit`` deliveries of the release in id order after ``after_id``."""
        query: Document = {"tenant_id": tenant_id, "release_id": release_id}
        if channel_id is not None:
            query["channel_id"] = channel_id
        if status is not None:
            query["status"] = status
        if after_id is not None:
            query["_id"] = {"$gt": after_id}
        cursor = self._collection.find(query, session=self._session, limit=limit)
        return [delivery_from(d) async for d in cursor.sort([("_id", 1)])]

    async def counts_of_release(
        self, tenant_id: str, release_id: str
    ) -> dict[tuple[str, str], int]:
        """How many deliveries of the release per (channel id, status), counted by the
        server."""
        pipeline: list[Document] = [
            {"$match": {"tenant_id": tenant_id, "release_id": release_id}},
            {"$group": {"_id": {"channel": "$channel_id", "status": "$status"}, "n": {"$sum": 1}}},
        ]
        cursor = await self._collection.aggregate(pipeline, session=self._session)
        return {(g["_id"]["channel"], g["_id"]["status"]): g["n"] async for g in cursor}

    async def requeue(self, delivery: Delivery) -> bool:
        """Writes a requeued delivery, only if it is still failed (False otherwise)."""
        result = await self._collection.update_one(
            {
                "_id": delivery.id,
                "tenant_id": delivery.tenant_id,
                "status": str(DeliveryStatus.FAILED),
            },
            {"$set": delivery_fields(delivery), "$unset": {"claim": "", "owner": ""}},
            session=self._session,
        )
        return result.matched_count == 1

    async def cancel_pending(
        self,
        tenant_id: str,
        *,
        reason: str,
        now: datetime,
        channel_id: str | None = None,
        recipients: list[str] | None = None,
    ) -> int:
        """Cancels the tenant's pending deliveries of a channel or to some recipients, in one
        update (a claimed one is ``sending``: the worker checks its recipient again before
        sending)."""
        query: Document = {"tenant_id": tenant_id}
        if recipients is not None:
            query["recipient"] = {"$in": recipients}
        if channel_id is not None:
            query["channel_id"] = channel_id
        query["status"] = _PENDING
        cancelled = {"status": str(DeliveryStatus.CANCELLED), "last_error": reason}
        result = await self._collection.update_many(
            query, {"$set": cancelled | {"withdrawn_at": now}}, session=self._session
        )
        return result.modified_count

    async def to_recipients(self, tenant_id: str, recipients: list[str]) -> list[Delivery]:
        documents = await self._find({"tenant_id": tenant_id, "recipient": {"$in": recipients}})
        return [delivery_from(d) for d in documents]

    async def mark_recipient_erased(self, tenant_id: str, recipient: str, digest: str) -> None:
        """Keeps a keyed digest of the erased address beside its deliveries (for the counts)."""
        await self._collection.update_many(
            {"tenant_id": tenant_id, "recipient": recipient},
            {"$set": {"recipient_digest": digest, "recipient_erased": True}},
            session=self._session,
        )
