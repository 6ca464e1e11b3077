"""Collection ``deliveries``: one document per (release, channel, recipient), id deterministic.

Planning inserts only the deliveries not stored yet (looked up by id first: inside a
transaction a duplicate key error would abort it), so planning again (the lift after an embargo
preview) leaves existing deliveries alone.

The worker's claim is the ``start`` transition done atomically in the database: a delivery
becomes ``sending`` with an owner, a claim token and ``next_attempt_at`` set to the lease's
expiry. Fresh deliveries are claimed by id, from the ready queue (:meth:`claim_ids`; a fan-out's
emails are not: their ready page's lease holds them, see :func:`held_by`); the rest of
the due work (retries, and ``sending`` deliveries whose lease ran out: their worker died) is
found through one index, ``(status, next_attempt_at)``, one status at a time: the local server
bounds an index scan by an equality on the first field and a range on the second, but reads
every match of an ``$in`` (:meth:`claim_due`). It spans tenants by design: the worker serves
them all.

Collection ``delivery_outcomes``: the outcome log of a fan-out's sent emails. A sent email
held by its ready page's lease is recorded by inserting its outcome there (its delivery id as
``_id``), not by updating its delivery: on the local server an update of a delivery costs
1.2-1.9 ms whatever its form and an insert into a collection with no other index 0.1-0.2 ms
(measured; recording was more than half of the database's work per email). The worker folds
the log into the deliveries once the ready queue has been quiet for a while
(:meth:`fold_logged`), and every read here shows a delivery with its logged outcome meanwhile
(:meth:`shown`), as cancellations skip it: only a never-attempted email can have one, so the
log is looked up for those alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo import DeleteMany, UpdateMany, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from distribution.adapters.mongo.base import Repository, chunks
from distribution.domain.delivery import Delivery, DeliveryStatus
from newsroom_shared.mongo import Document

_FIELDS = tuple(f.name for f in dataclasses.fields(Delivery))


def delivery_fields(delivery: Delivery) -> Document:
    fields: dict[str, Any] = {name: getattr(delivery, name) for name in _FIELDS if name != "id"}
    fields["status"] = str(delivery.status)
    fields["remote_ids"] = list(delivery.remote_ids)
    if delivery.first_attempt_at is None:
        # Left unset, not null: the claim's $min sets it, and null would sort below any date.
        del fields["first_attempt_at"]
    return fields


def delivery_from(document: Document) -> Delivery:
    fields = {name: document[name] for name in _FIELDS if name in document and name != "id"}
    fields["status"] = DeliveryStatus(document["status"])
    fields["remote_ids"] = tuple(document.get("remote_ids") or ())
    return Delivery(id=document["_id"], **fields)


# A delivery never attempted: what a ready page's lease holds (see held_by).
FRESH: Document = {"status": str(DeliveryStatus.PENDING), "attempts": 0}


def held_by(claim: str, written: bool) -> Document:
    """The condition under which a claimed delivery is still its claimant's: the claim token
    written on it, or (``written`` False: claimed through its ready page's lease, nothing
    written on the delivery) that it is still never attempted."""
    return {"claim": claim} if written else FRESH


OUTCOMES_COLLECTION = "delivery_outcomes"


def _may_be_logged(document: Document) -> bool:
    """Whether the log may hold the document's outcome: an email never attempted as far as its
    document says (pending, or cancelled while its email was being sent)."""
    return (
        document.get("channel_kind") == "email"
        and document.get("attempts") == 0
        and document.get("status") in (str(DeliveryStatus.PENDING), str(DeliveryStatus.CANCELLED))
    )


# What a logged outcome does not overwrite when shown on its delivery.
_LOG_KEYS = frozenset({"_id", "tenant_id"})
# What a log entry holds beside the outcome's fields.
_LOG_ONLY = _LOG_KEYS | {"recorded_by"}


def _shown_with(document: Document, logged: Document | None) -> Document:
    if logged is None:
        return document
    shown = {**document, **{k: v for k, v in logged.items() if k not in _LOG_KEYS}}
    for unset in ("claim", "owner"):
        shown.pop(unset, None)
    return shown


# Statuses a stored document may have when, shown with its logged outcome, it has ``status``.
_STORED_AS: dict[str, tuple[str, ...]] = {
    str(DeliveryStatus.SENT): (
        str(DeliveryStatus.SENT),
        str(DeliveryStatus.PENDING),
        str(DeliveryStatus.CANCELLED),
    ),
}


# The lowest date a due time is compared with. A range on a date open at the bottom makes the
# local server scan its index from the first key, through the null of every document without
# the field: the retraction poll read all the deliveries of every tenant (measured: 320 ms per
# poll with 10,000 deliveries; 2 ms with this bound).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _due(status: DeliveryStatus, now: datetime) -> Document:
    return {"status": str(status), "next_attempt_at": {"$lte": now}}


# What planning fixed for good (the identity of the delivery): an outcome never changes them,
# so writing an outcome leaves them out (less for the server to compare and write).
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
    }
)


def outcome_fields(delivery: Delivery) -> Document:
    """What an outcome writes on a delivery: all but what planning fixed."""
    return {k: v for k, v in delivery_fields(delivery).items() if k not in PLANNED_FIELDS}


# One outcome to write: (tenant id, claim that recorded it, delivery id, outcome fields).
OutcomeWrite = tuple[str, str, str, Document]


def _each_its_own(fields: dict[str, Document]) -> Document:
    """A pipeline ``$set`` giving each delivery (matched by ``_id``, the keys of ``fields``)
    its own fields: a value all share is set as such, others by a ``$switch`` on the id (a
    field a delivery leaves out keeps its stored value)."""
    names = sorted({name for values in fields.values() for name in values})
    stage: Document = {}
    for name in names:
        values = {i: f[name] for i, f in fields.items() if name in f}
        first = next(iter(values.values()))
        if len(values) == len(fields) and all(v == first for v in values.values()):
            stage[name] = {"$literal": first}
            continue
        branches = [
            {"case": {"$eq": ["$_id", i]}, "then": {"$literal": v}} for i, v in values.items()
        ]
        stage[name] = {"$switch": {"branches": branches, "default": f"${name}"}}
    return stage


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
        self, deliveries: Sequence[Delivery], *, some_may_exist: bool = True
    ) -> list[Delivery]:
        """Stores the deliveries not stored yet (all of one tenant); returns those.

        ``some_may_exist=False`` skips looking them up first (a fan-out's page of subscribers
        no earlier plan can have reached): a delivery that did exist then fails the insert
        with a duplicate key error, aborting the transaction rather than sending twice."""
        if not deliveries:
            return []
        tenants = {d.tenant_id for d in deliveries}
        if len(tenants) != 1:
            raise ValueError("deliveries of one tenant at a time")
        stored: set[str] = set()
        if some_may_exist:
            stored = {
                document["_id"]
                for document in await self._find_in(
                    "_id", [d.id for d in deliveries], {"tenant_id": tenants.pop()}, {"_id": 1}
                )
            }
        new = [d for d in deliveries if d.id not in stored]
        if new:
            await self._collection.insert_many(
                [{"_id": d.id, **delivery_fields(d)} for d in new],
                ordered=False,
                session=self._session,
            )
        return new

    async def get(self, tenant_id: str, delivery_id: str) -> Delivery | None:
        document = await self._collection.find_one(
            {"_id": delivery_id, "tenant_id": tenant_id}, session=self._session
        )
        if document is None:
            return None
        [shown] = await self.shown([document])
        return delivery_from(shown)

    async def of_release(self, tenant_id: str, release_id: str) -> list[Delivery]:
        documents = await self._find({"tenant_id": tenant_id, "release_id": release_id})
        return [delivery_from(d) for d in await self.shown(documents)]

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
        """Up to ``limit`` due deliveries (pending and due, or sending with the lease run out),
        now ``sending`` under ``claim`` until ``lease_until``.

        Each document is updated atomically under the due filter, so two workers never claim the
        same delivery: the loser's update matches nothing.
        """
        claimed: list[Delivery] = []
        # A ``sending`` delivery whose lease ran out: its worker died mid-attempt, so a post may
        # exist that no one recorded. Marked, so the next attempt looks for it first.
        for status, marks in (
            (DeliveryStatus.SENDING, {"outcome_unknown": True}),
            (DeliveryStatus.PENDING, {}),
        ):
            if len(claimed) >= limit:
                break
            due = _due(status, now)
            candidates = await self._collection.find(
                due,
                {"_id": 1, "tenant_id": 1, "status": 1, "attempts": 1, "channel_kind": 1},
                limit=limit - len(claimed),
                session=self._session,
            ).to_list()
            # A fan-out email whose hold ran out with its outcome still in the log was sent:
            # its outcome is folded now, not attempted again.
            logged = await self._logged(candidates)
            if logged:
                await self._fold(list(logged.values()))
                candidates = [c for c in candidates if c["_id"] not in logged]
            claimed += await self._claim(
                candidates, due, now, owner=owner, claim=claim, lease_until=lease_until, marks=marks
            )
        return claimed

    async def claim_ids(
        self,
        tenant_id: str,
        delivery_ids: Sequence[str],
        now: datetime,
        *,
        owner: str,
        claim: str,
        lease_until: datetime,
    ) -> list[Delivery]:
        """The never attempted, still pending ones of ``delivery_ids`` (from the ready queue),
        now ``sending`` under ``claim`` until ``lease_until``."""
        fresh = {"status": str(DeliveryStatus.PENDING), "attempts": 0}
        candidates = [{"_id": i, "tenant_id": tenant_id} for i in delivery_ids]
        return await self._claim(
            candidates, fresh, now, owner=owner, claim=claim, lease_until=lease_until, marks={}
        )

    async def _claim(
        self,
        candidates: Sequence[Document],
        condition: Document,
        now: datetime,
        *,
        owner: str,
        claim: str,
        lease_until: datetime,
        marks: Document,
    ) -> list[Delivery]:
        """Claims those of ``candidates`` (``_id``, ``tenant_id``) that still meet ``condition``;
        returns them as claimed (read back by id: they are few, and an index on the claim
        would cost every write of a delivery)."""
        if not candidates:
            return []
        claiming: Document = {
            "status": str(DeliveryStatus.SENDING),
            "next_attempt_at": lease_until,
            "owner": owner,
            "claim": claim,
        }
        ids = [c["_id"] for c in candidates]
        tenants = list({c["tenant_id"] for c in candidates})
        await self._collection.bulk_write(
            [
                UpdateMany(
                    {"_id": {"$in": list(chunk)}, "tenant_id": {"$in": tenants}, **condition},
                    {
                        "$set": claiming | marks,
                        "$inc": {"attempts": 1},
                        "$min": {"first_attempt_at": now},
                    },
                )
                for chunk in chunks(ids)
            ],
            ordered=False,
            session=self._session,
        )
        documents = await self._find_in("_id", ids, {"tenant_id": {"$in": tenants}, "claim": claim})
        return [delivery_from(d) for d in documents]

    async def of_ids(
        self, tenant_id: str, delivery_ids: Sequence[str], *, with_logged: bool = True
    ) -> list[Delivery]:
        """``with_logged=False`` leaves the outcome log out: the caller knows none can be
        there (the ready page was never taken before, and only its holders log outcomes)."""
        documents = await self._find_in("_id", delivery_ids, {"tenant_id": tenant_id})
        if with_logged:
            documents = await self.shown(documents)
        return [delivery_from(d) for d in documents]

    async def claimed(
        self, tenant_id: str, delivery_id: str, claim: str, *, written: bool = True
    ) -> Delivery | None:
        """The delivery if ``claim`` still holds it (no other worker took it over)."""
        document = await self._collection.find_one(
            {"_id": delivery_id, "tenant_id": tenant_id, **held_by(claim, written)},
            session=self._session,
        )
        return delivery_from(document) if document else None

    async def finish(self, delivery: Delivery, claim: str, *, written: bool = True) -> bool:
        """Writes the attempt's result and releases the claim; False if the claim was lost."""
        result = await self._collection.update_one(
            {"_id": delivery.id, "tenant_id": delivery.tenant_id, **held_by(claim, written)},
            {
                "$set": delivery_fields(delivery) | {"recorded_by": claim},
                "$unset": {"claim": "", "owner": ""},
            },
            session=self._session,
        )
        return result.matched_count == 1

    async def claimed_many(self, claims: Sequence[tuple[str, str, str]]) -> dict[str, Delivery]:
        """Of ``(tenant id, delivery id, claim)``, the deliveries the claims still hold, by id."""
        wanted = {delivery_id: (tenant_id, claim) for tenant_id, delivery_id, claim in claims}
        tenants = list({tenant_id for tenant_id, _ in wanted.values()})
        documents = await self._find_in("_id", list(wanted), {"tenant_id": {"$in": tenants}})
        return {
            d["_id"]: delivery_from(d)
            for d in documents
            if (d["tenant_id"], d.get("claim")) == wanted[d["_id"]]
        }

    async def finish_many(
        self, finished: Sequence[tuple[Delivery, str]], *, written: bool = True
    ) -> int:
        """:meth:`finish` for many ``(delivery, claim)`` in one round trip; how many matched.

        One update statement per chunk of deliveries under the same claim rather than one per
        delivery: on the local server a statement costs about a millisecond on top of its
        documents (measured: 1.9 ms per delivery one by one, 0.8 in chunks). Each delivery
        keeps the claim that recorded it (``recorded_by``), so a claimant can tell its writes
        from another's when fewer matched than it wrote (:meth:`recorded_by`)."""
        writes = [(d.tenant_id, claim, d.id, outcome_fields(d)) for d, claim in finished]
        return await self._write_outcomes(writes, written=written)

    async def _write_outcomes(self, writes: Sequence[OutcomeWrite], *, written: bool) -> int:
        """:meth:`finish_many` of outcomes given by their fields; how many matched."""
        if not writes:
            return 0
        by_claim: dict[tuple[str, str], dict[str, Document]] = {}
        for tenant_id, claim, delivery_id, fields in writes:
            by_claim.setdefault((tenant_id, claim), {})[delivery_id] = fields
        result = await self._collection.bulk_write(
            [
                UpdateMany(
                    {
                        "_id": {"$in": list(chunk)},
                        "tenant_id": tenant_id,
                        **held_by(claim, written),
                    },
                    [
                        {
                            "$set": _each_its_own({i: fields[i] for i in chunk})
                            | {"recorded_by": {"$literal": claim}}
                        },
                        {"$unset": ["claim", "owner"]},
                    ],
                )
                for (tenant_id, claim), fields in by_claim.items()
                for chunk in chunks(list(fields))
            ],
            ordered=False,
            session=self._session,
        )
        return result.matched_count

    async def recorded_by(
        self, tenant_id: str, delivery_ids: Sequence[str], claim: str
    ) -> set[str]:
        """Those of ``delivery_ids`` whose last outcome ``claim`` recorded."""
        documents = await self._find_in(
            "_id", delivery_ids, {"tenant_id": tenant_id}, {"recorded_by": 1}
        )
        return {d["_id"] for d in documents if d.get("recorded_by") == claim}

    async def overwrite_cancelled(self, sent: Sequence[Delivery], claim: str) -> int:
        """Records the outcomes of attempts made while their deliveries were being cancelled
        (never attempted until then): the email went out, so the record says so."""
        if not sent:
            return 0
        result = await self._collection.bulk_write(
            [
                UpdateOne(
                    {
                        "_id": d.id,
                        "tenant_id": d.tenant_id,
                        "status": str(DeliveryStatus.CANCELLED),
                        "attempts": 0,
                    },
                    {"$set": delivery_fields(d) | {"recorded_by": claim}},
                )
                for d in sent
            ],
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
                    "tenant_id": {"$in": list({d.tenant_id for d in deliveries})},
                },
                {"$set": {"retraction_due_at": now}},
                session=self._session,
            )

    async def claim_retractions(
        self, now: datetime, limit: int, *, claim: str, lease_until: datetime
    ) -> list[Delivery]:
        """Up to ``limit`` posts due for deletion, held by ``claim`` until ``lease_until``."""
        due = {"retraction_due_at": {"$gte": _EPOCH, "$lte": now}}
        candidates = await self._collection.find(
            due, {"_id": 1}, limit=limit, session=self._session
        ).to_list()
        if not candidates:
            return []
        ids = [c["_id"] for c in candidates]
        await self._collection.update_many(
            {"_id": {"$in": ids}, **due},
            {"$set": {"retraction_due_at": lease_until, "retraction_claim": claim}},
            session=self._session,
        )
        documents = await self._find_in("_id", ids, {"retraction_claim": claim})
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
        """Up to ``limit`` deliveries of the release in id order after ``after_id``, in
        ``status`` if given (as shown: with their logged outcomes, so the stored status only
        narrows the search and the page is filled from further on if some drop out)."""
        query: Document = {"tenant_id": tenant_id, "release_id": release_id}
        if channel_id is not None:
            query["channel_id"] = channel_id
        if status is not None:
            stored = _STORED_AS.get(status, (status,))
            query["status"] = stored[0] if len(stored) == 1 else {"$in": list(stored)}
        page: list[Delivery] = []
        while len(page) < limit:
            if after_id is not None:
                query["_id"] = {"$gt": after_id}
            cursor = self._collection.find(query, session=self._session, limit=limit)
            documents = [d async for d in cursor.sort([("_id", 1)])]
            shown = [delivery_from(d) for d in await self.shown(documents)]
            page += [d for d in shown if status in (None, d.status)][: limit - len(page)]
            if len(documents) < limit:
                break
            after_id = documents[-1]["_id"]
        return page

    async def counts_of_release(
        self, tenant_id: str, release_id: str
    ) -> dict[tuple[str, str], int]:
        """How many deliveries of the release per (channel id, status)."""
        counts: dict[tuple[str, str], int] = {}
        documents = await self._find(
            {"tenant_id": tenant_id, "release_id": release_id},
            projection={
                "tenant_id": 1,
                "channel_id": 1,
                "channel_kind": 1,
                "status": 1,
                "attempts": 1,
            },
        )
        for document in await self.shown(documents):
            key = (document["channel_id"], document["status"])
            counts[key] = counts.get(key, 0) + 1
        return counts

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
        """Cancels the tenant's pending deliveries of a channel or to some recipients.

        Found with filters that name exactly an index's fields: the local server takes an
        index only then (checked with ``explain``), and scans the collection otherwise."""
        pending = str(DeliveryStatus.PENDING)
        fields = {"tenant_id": 1, "status": 1, "channel_id": 1, "channel_kind": 1, "attempts": 1}
        if recipients is not None:
            found = await self._find_in("recipient", recipients, {"tenant_id": tenant_id}, fields)
        else:
            query: Document = {"tenant_id": tenant_id, "channel_id": channel_id, "status": pending}
            found = await self._find(query, projection=fields)
        # Emails whose outcome is still in the log were sent: nothing to cancel.
        logged = await self._logged(found)
        ids = [
            d["_id"]
            for d in found
            if d["status"] == pending
            and channel_id in (None, d["channel_id"])
            and d["_id"] not in logged
        ]
        if not ids:
            return 0
        cancelled: Document = {"status": str(DeliveryStatus.CANCELLED), "last_error": reason}
        result = await self._collection.bulk_write(
            [
                UpdateMany(
                    {"_id": {"$in": list(chunk)}, "tenant_id": tenant_id, "status": pending},
                    {"$set": cancelled | {"withdrawn_at": now}},
                )
                for chunk in chunks(ids)
            ],
            ordered=False,
            session=self._session,
        )
        return result.modified_count

    async def to_recipients(self, tenant_id: str, recipients: list[str]) -> list[Delivery]:
        documents = await self._find({"tenant_id": tenant_id, "recipient": {"$in": recipients}})
        return [delivery_from(d) for d in await self.shown(documents)]

    async def mark_recipient_erased(self, tenant_id: str, recipient: str, digest: str) -> None:
        """Keeps a keyed digest of the erased address beside its deliveries (for the counts)."""
        await self._collection.update_many(
            {"tenant_id": tenant_id, "recipient": recipient},
            {"$set": {"recipient_digest": digest, "recipient_erased": True}},
            session=self._session,
        )

    # The outcome log (see the module docstring).

    @property
    def _log(self) -> AsyncCollection[Document]:
        return self._collection.database[OUTCOMES_COLLECTION]

    async def log_sent(self, sent: Sequence[tuple[Delivery, str]]) -> None:
        """Logs the outcomes of sent emails held by their ready page's lease, each with the
        claim that recorded it. Only while that lease holds: then no other worker can have
        recorded them, and a duplicate key (a bug) aborts the transaction rather than sending
        an event twice."""
        if sent:
            await self._log.insert_many(
                [
                    {
                        "_id": d.id,
                        "tenant_id": d.tenant_id,
                        **outcome_fields(d),
                        "recorded_by": claim,
                    }
                    for d, claim in sent
                ],
                session=self._session,
            )

    async def logged_ids(self, tenant_id: str, delivery_ids: Sequence[str]) -> set[str]:
        """Those of ``delivery_ids`` whose outcome is in the log."""
        return {e["_id"] for e in await self._log_entries(delivery_ids, [tenant_id], {"_id": 1})}

    async def fold_logged(self, limit: int) -> int:
        """Writes up to ``limit`` logged outcomes onto their deliveries and takes them out of
        the log; how many it took."""
        entries = await self._log.find({}, session=self._session, limit=limit).to_list()
        await self._fold(entries)
        return len(entries)

    async def _fold(self, entries: Sequence[Document]) -> None:
        """Writes each entry onto its delivery if the delivery is still as the entry's writer
        left it (never attempted; or cancelled meanwhile: the email went out all the same);
        a delivery attempted since (another worker took its page over after the writer's
        lease ran out) keeps its own record. Then the entries leave the log."""
        if not entries:
            return
        by_id = {e["_id"]: e for e in entries}
        writes = [
            (
                e["tenant_id"],
                e["recorded_by"],
                e["_id"],
                {k: v for k, v in e.items() if k not in _LOG_ONLY},
            )
            for e in entries
        ]
        if await self._write_outcomes(writes, written=False) < len(writes):
            # Rare: cancelled meanwhile, attempted since, or another tenant's id.
            tenants = list({e["tenant_id"] for e in entries})
            documents = await self._find_in("_id", list(by_id), {"tenant_id": {"$in": tenants}})
            cancelled: dict[str, list[Delivery]] = {}
            for document in documents:
                entry = by_id[document["_id"]]
                if entry["tenant_id"] == document["tenant_id"] and _may_be_logged(document):
                    delivery = delivery_from(_shown_with(document, entry))
                    cancelled.setdefault(entry["recorded_by"], []).append(delivery)
            for claim, deliveries in cancelled.items():
                await self.overwrite_cancelled(deliveries, claim)
        await self._log.bulk_write(
            [DeleteMany({"_id": {"$in": list(chunk)}}) for chunk in chunks(list(by_id))],
            ordered=False,
            session=self._session,
        )

    async def _log_entries(
        self, delivery_ids: Sequence[str], tenants: Sequence[str], projection: Document | None
    ) -> list[Document]:
        found: list[Document] = []
        for chunk in chunks(delivery_ids):
            found += await self._log.find(
                {"_id": {"$in": list(chunk)}, "tenant_id": {"$in": list(tenants)}},
                projection,
                session=self._session,
            ).to_list()
        return found

    async def _logged(self, documents: Sequence[Document]) -> dict[str, Document]:
        """The logged outcomes of those of ``documents`` that may have one, by delivery id."""
        candidates = {d["_id"]: d["tenant_id"] for d in documents if _may_be_logged(d)}
        if not candidates:
            return {}
        entries = await self._log_entries(list(candidates), list(set(candidates.values())), None)
        return {e["_id"]: e for e in entries if candidates[e["_id"]] == e["tenant_id"]}

    async def shown(self, documents: list[Document]) -> list[Document]:
        """The documents as shown: each with its logged outcome, if the log holds one."""
        logged = await self._logged(documents)
        return [_shown_with(d, logged.get(d["_id"])) for d in documents]
