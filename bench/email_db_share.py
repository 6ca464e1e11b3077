"""P2's third measurement: the database work the service does for N emails, and nothing else.

The service's own database work for a fan-out of N emails, in the sizes the service uses,
back to back on one connection, as the service runs them: plan the deliveries (pages of 500,
a transaction each), claim 500 due emails at a time (the worker's ``claim_due``: due ids, one
update under a claim token, read back by it), record the outcomes with one DeliverySucceeded
each through the outbox (the worker's ``record_outcomes``, groups of 200 per transaction), and
mark the outbox documents sent as the relay does. No SMTP, no Kafka, no worker.

Its rate bounds the system's on this database server: the system must do at least this work,
and the server runs it on one core at most (SecantusDB is a Python process, see design.md), so
``ratio_db_share_to_raw`` is the most the end-to-end ratio can reach here, however well the
service overlaps the database with SMTP.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from distribution.adapters.crypto import CredentialCipher, new_key
from distribution.adapters.mongo.deliveries import MongoDeliveries
from distribution.adapters.mongo.indexes import ensure_indexes
from distribution.adapters.mongo.unit_of_work import MongoUnitOfWork
from distribution.domain.delivery import Delivery
from distribution.domain.fanouts import PAGE_SIZE
from distribution.domain.outcomes import Success
from distribution.service.attempts import Attempted, Claimed, claim_due, record_outcomes
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
    cipher = CredentialCipher([new_key()])
    tenant = f"bench-db-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    deliveries = planned(tenant, count, now)
    started = time.perf_counter()

    for page in pieces(deliveries, PAGE_SIZE):

        async def plan(session: AsyncClientSession, page: Sequence[Delivery] = page) -> None:
            await MongoDeliveries(db, session).add_new(page, some_may_exist=False)

        await in_transaction(client, plan)

    def unit_of_work(session: AsyncClientSession | None) -> MongoUnitOfWork:
        envelope = partial(envelope_for, source="/bench/db-share")
        return MongoUnitOfWork(
            client, db, outbox, envelope, cipher, transactional=False, session=session
        )

    lease = timedelta(minutes=5)
    claimed: list[Claimed] = []
    while batch := await claim_due(unit_of_work(None), now, CLAIM, owner="bench", lease=lease):
        claimed += batch
    assert len(claimed) == count, f"claimed {len(claimed)} of {count}"

    for start in range(0, len(claimed), OUTCOMES):
        group = claimed[start : start + OUTCOMES]

        async def record(session: AsyncClientSession, group: list[Claimed] = group) -> None:
            uow = unit_of_work(session)
            sent = [
                Attempted(c, Success(f"<{c.delivery.id}@bench>"), "digest-of-the-address")
                for c in group
            ]
            await record_outcomes(uow, sent, now)
            await uow.flush()

        await in_transaction(client, record)

    # The relay: read the unsent in order, mark them sent (it publishes in between).
    while True:
        unsent = await outbox.unsent(500)
        if not unsent:
            break
        await outbox.mark_sent(list({entry.document_id: None for entry in unsent}), now)
    elapsed = time.perf_counter() - started
    sent = await db["deliveries"].count_documents({"tenant_id": tenant, "status": "sent"})
    assert sent == count, f"{sent} of {count} deliveries sent"
    return elapsed
