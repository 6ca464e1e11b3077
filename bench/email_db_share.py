"""P2's third measurement: the database work the service does for N emails, and nothing else.

The service's own repository calls for a fan-out of N emails, in the sizes the service uses,
back to back on one connection, in transactions as the service runs them: plan the deliveries
and queue them (pages of 500), take the ready pages and claim their deliveries (500 at a time),
read the claims back and record the outcomes with one DeliverySucceeded each through the outbox
(groups of 200), and mark the events sent as the relay does. No SMTP, no Kafka, no worker.

Its rate bounds the system's on this database server: the system must do at least this work,
and the server runs it on one core at most (SecantusDB is a Python process, see design.md), so
``ratio_db_share_to_raw`` is the most the end-to-end ratio can reach here, however well the
service overlaps the database with SMTP.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from distribution.adapters.mongo.deliveries import MongoDeliveries
from distribution.adapters.mongo.fanouts import MongoReadyQueue
from distribution.adapters.mongo.indexes import ensure_indexes
from distribution.domain.delivery import Delivery
from distribution.domain.fanouts import PAGE_SIZE, held_until
from newsroom_shared.events.distribution import DeliverySucceeded
from newsroom_shared.events.envelope import envelope_for
from newsroom_shared.mongo import Database, Document, in_transaction
from newsroom_shared.outbox import Outbox

CLAIM = 500  # the worker's batch size (DISTRIBUTION_WORKER_BATCH_SIZE default)
OUTCOMES = 200  # the worker's group commit at most (MAX_OUTCOMES_PER_TRANSACTION)


def planned(tenant: str, count: int, now: datetime) -> list[Delivery]:
    return [
        Delivery.plan(
            tenant_id=tenant,
            release_id="r-db-share",
            newsroom_id="n1",
            channel_id="email",
            channel_kind="email",
            recipient=f"s{number:06d}",
            now=now,
        )
        for number in range(count)
    ]


def pieces(values: Sequence[Delivery], size: int) -> list[Sequence[Delivery]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


async def db_share_round(client: AsyncMongoClient[Document], db: Database, count: int) -> float:
    """Seconds the service's database work for ``count`` emails takes on its own."""
    await ensure_indexes(db)
    outbox = Outbox(db)
    await outbox.ensure_indexes()
    tenant = f"bench-db-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    deliveries = planned(tenant, count, now)
    started = time.perf_counter()

    for page in pieces(deliveries, PAGE_SIZE):

        async def plan(session: AsyncClientSession, page: Sequence[Delivery] = page) -> None:
            held = [replace(d, next_attempt_at=held_until(now)) for d in page]
            new = await MongoDeliveries(db, session).add_new(held, some_may_exist=False)
            await MongoReadyQueue(db, session).put(tenant, [d.id for d in new], now)

        await in_transaction(client, plan)

    claimed: list[tuple[Delivery, str]] = []
    for _ in pieces(deliveries, CLAIM):

        async def claim(session: AsyncClientSession) -> list[tuple[Delivery, str]]:
            token = uuid.uuid4().hex
            got: list[tuple[Delivery, str]] = []
            for page_tenant, ids in await MongoReadyQueue(db, session).take(CLAIM):
                got += [
                    (d, token)
                    for d in await MongoDeliveries(db, session).claim_ids(
                        page_tenant,
                        ids,
                        now,
                        owner="bench",
                        claim=token,
                        lease_until=now + timedelta(minutes=5),
                    )
                ]
            return got

        claimed += await in_transaction(client, claim)
    assert len(claimed) == count, f"claimed {len(claimed)} of {count}"

    event_ids: list[str] = []
    for group in [claimed[i : i + OUTCOMES] for i in range(0, len(claimed), OUTCOMES)]:

        async def record(
            session: AsyncClientSession, group: list[tuple[Delivery, str]] = group
        ) -> list[str]:
            repository = MongoDeliveries(db, session)
            current = await repository.claimed_many(
                [(d.tenant_id, d.id, token) for d, token in group]
            )
            sent = [
                (current[d.id].succeed(now, f"<{d.id}@bench>", None), token) for d, token in group
            ]
            await repository.finish_many(sent)
            envelopes = [
                envelope_for(
                    DeliverySucceeded(
                        tenant_id=d.tenant_id,
                        delivery_id=d.id,
                        release_id=d.release_id,
                        channel_kind=d.channel_kind,
                        channel_id=d.channel_id,
                        recipient="digest-of-the-address",
                        attempts=1,
                        remote_id=d.remote_id,
                        delivered_at=now,
                    ),
                    source="/bench/db-share",
                )
                for d, _ in sent
            ]
            await outbox.add(session, *envelopes)
            return [e.id for e in envelopes]

        event_ids += await in_transaction(client, record)

    # The relay: read the unsent in order, mark them sent (it publishes in between).
    while True:
        unsent = await outbox.unsent(500)
        if not unsent:
            break
        await outbox.mark_sent(list({entry.document_id: None for entry in unsent}), now)
    elapsed = time.perf_counter() - started
    assert len(event_ids) == count
    return elapsed
