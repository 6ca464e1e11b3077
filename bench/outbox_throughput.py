"""Benchmark P1: events per second through the event backbone, against a raw loop.

System: a transactional write (a state document and its outbox entry in one MongoDB transaction),
the outbox relay publishing to Kafka, and an idempotent consumer (our ``subscribe``: contract
validation, inbox, effect in one transaction per batch) writing one document per event.

Baseline, same broker and server, same run: a raw aiokafka producer and a raw consumer loop doing
one ``insert_one`` per message, with no outbox, inbox or transaction.

Both are timed from the first write to the moment the last effect document exists. Rounds
alternate baseline and system so drift on this noisy machine hits both alike; the report gives
each round and the median ratio.

Each round also counts, from the first measured write to the last effect, the database commands
(PyMongo command monitoring on the client under test; the benchmark's own polling uses another
client) and the Kafka requests (every aiokafka client of the process) per event: figures that
carry over to MongoDB and Apache Kafka, unlike the local servers' speed (see ``counting.py``).
"""

from __future__ import annotations

import asyncio
import functools
import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from faststream.kafka import KafkaBroker
from pymongo.asynchronous.client_session import AsyncClientSession

from bench.counting import Commands, KafkaRequests
from newsroom_shared.config import ServiceSettings
from newsroom_shared.consumer import subscribe
from newsroom_shared.events.base import Event
from newsroom_shared.events.envelope import ReceivedEvent, envelope_for
from newsroom_shared.mongo import Database, in_transaction, make_client
from newsroom_shared.outbox import Outbox, OutboxRelay

WRITERS = 4  # concurrent "requests" writing state + outbox, as an API would


@dataclass
class Meters:
    """The counters of a run, and a database handle for polling that they do not count."""

    commands: Commands
    kafka: KafkaRequests
    poll: Any  # AsyncMongoClient without the listener

    def reset(self) -> None:
        self.commands.reset()
        self.kafka.reset()

    def per_event(self, events: int) -> dict[str, Any]:
        return {
            "db_commands_per_event": self.commands.per(events),
            "kafka_requests_per_event": self.kafka.per(events),
        }


class BenchEvent(Event):
    topic: ClassVar[str] = "bench.p1.v1"
    ce_type: ClassVar[str] = "io.newsroom.bench.p1.v1"
    aggregate_field: ClassVar[str] = "item_id"

    item_id: str
    n: int


def event_class_for(topic: str) -> type[BenchEvent]:
    """A contract per round: its own topic, so rounds never read each other's messages."""
    return type("BenchEventRound", (BenchEvent,), {"topic": topic, "ce_type": f"io.{topic}"})


POLL_S = 0.05  # often enough for the timing, rare enough not to load the one-core server


async def wait_for_count(db: Database, collection: str, expected: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while await db[collection].estimated_document_count() < expected:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{collection}: fewer than {expected} documents")
        await asyncio.sleep(POLL_S)


async def raw_round(bootstrap: str, db: Database, events: int, meters: Meters) -> dict[str, Any]:
    topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-raw-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        fetch_max_wait_ms=10,
    )
    await producer.start()
    await consumer.start()
    effects = db["raw_effects"]

    async def consume() -> None:
        async for record in consumer:
            await effects.insert_one({"key": record.key, "value": record.value})

    consuming = asyncio.create_task(consume())
    polled = meters.poll[db.name]
    try:
        # One message through first: the clock starts once the consumer has joined its group.
        await producer.send_and_wait(topic, b'{"n": -1}', key=b"warm-up")
        await wait_for_count(polled, "raw_effects", 1, timeout_s=120)
        meters.reset()
        started = time.perf_counter()
        sends = [
            await producer.send(topic, f'{{"n": {n}}}'.encode(), key=str(n % 64).encode())
            for n in range(events)
        ]
        await asyncio.gather(*sends)
        await wait_for_count(polled, "raw_effects", events + 1, timeout_s=300)
        elapsed = time.perf_counter() - started
        counted = meters.per_event(events)
    finally:
        consuming.cancel()
        await consumer.stop()
        await producer.stop()
    return {"seconds": elapsed, "events_per_s": events / elapsed, **counted}


async def write_state_and_events(
    db: Database, outbox: Outbox, event_class: type[BenchEvent], events: int, per_tx: int
) -> None:
    """WRITERS concurrent writers; each transaction writes ``per_tx`` states and their events."""
    numbers = iter(range(events))

    async def write(session: AsyncClientSession, batch: list[int]) -> None:
        items = [{"_id": uuid.uuid4().hex, "tenant_id": "bench", "n": n} for n in batch]
        await db.items.insert_many(items, session=session)
        envelopes = [
            envelope_for(
                event_class(tenant_id="bench", item_id=item["_id"], n=item["n"]), source="/bench"
            )
            for item in items
        ]
        await outbox.add(session, *envelopes)

    async def writer() -> None:
        while batch := [n for _, n in zip(range(per_tx), numbers, strict=False)]:
            await in_transaction(db.client, functools.partial(write, batch=batch))

    await asyncio.gather(*(writer() for _ in range(WRITERS)))


@dataclass(frozen=True)
class Variant:
    """How the system is driven: events per writing transaction, and the consumer's handler."""

    name: str
    per_tx: int
    bulk_handler: bool


VARIANTS = (
    # An API writing one event per request, a handler writing one document per event.
    Variant("1_per_tx_per_event_handler", per_tx=1, bulk_handler=False),
    # The same API, consumed by a handler that writes a batch's effects at once.
    Variant("1_per_tx_bulk_handler", per_tx=1, bulk_handler=True),
    # Writers that batch (imports, fan-outs), same handler.
    Variant("50_per_tx_per_event_handler", per_tx=50, bulk_handler=False),
    # Batching writers, and a handler that writes a batch's effects with one insert_many.
    Variant("50_per_tx_bulk_handler", per_tx=50, bulk_handler=True),
)


def subscribe_effects(
    broker: KafkaBroker,
    db: Database,
    event_class: type[BenchEvent],
    settings: ServiceSettings,
    bulk: bool,
) -> None:
    """The consumer under test: one effect document per event, through our ``subscribe``."""

    def effect(event: ReceivedEvent) -> dict[str, Any]:
        data: Any = event.data
        return {"item_id": data.item_id, "n": data.n}

    async def apply(session: AsyncClientSession, event: ReceivedEvent) -> None:
        await db.effects.insert_one(effect(event), session=session)

    async def apply_all(session: AsyncClientSession, events: Sequence[ReceivedEvent]) -> None:
        await db.effects.insert_many([effect(event) for event in events], session=session)

    handlers: dict[str, Any] = {"batch_handler": apply_all} if bulk else {"handler": apply}
    subscribe(broker, event_class=event_class, db=db, name="bench", settings=settings, **handlers)


def bench_settings(bootstrap: str, group: str) -> ServiceSettings:
    return ServiceSettings(
        kafka_bootstrap_servers=bootstrap,
        consumer_group=group,
        kafka_session_timeout_ms=6000,
        kafka_heartbeat_interval_ms=1000,
    )


async def system_round(
    bootstrap: str, db: Database, events: int, variant: Variant, meters: Meters
) -> dict[str, Any]:
    run = uuid.uuid4().hex[:8]
    event_class = event_class_for(f"bench.system.{run}")
    settings = bench_settings(bootstrap, f"bench-system-{run}")
    outbox = Outbox(db)
    await outbox.ensure_indexes()
    relay = OutboxRelay(db, bootstrap, owner=f"bench-{run}", poll_interval_s=0.05)
    broker = KafkaBroker(bootstrap, log_level=10)
    subscribe_effects(broker, db, event_class, settings, variant.bulk_handler)
    await broker.start()
    await relay.start()
    polled = meters.poll[db.name]
    try:
        # One event through first: the clock starts once the consumer has joined its group.
        await write_state_and_events(db, outbox, event_class, 1, per_tx=1)
        await wait_for_count(polled, "effects", 1, timeout_s=120)
        meters.reset()
        started = time.perf_counter()
        await write_state_and_events(db, outbox, event_class, events, variant.per_tx)
        written = time.perf_counter() - started
        await wait_for_count(polled, "effects", events + 1, timeout_s=600)
        elapsed = time.perf_counter() - started
        counted = meters.per_event(events)
    finally:
        await relay.stop()
        await broker.stop()
    return {
        "seconds": elapsed,
        "events_per_s": events / elapsed,
        "write_seconds": written,
        "write_events_per_s": events / written,
        **counted,
    }


async def fresh_db(client: Any, label: str) -> Database:
    """A new database with its collections created up front: creating a collection inside
    concurrent transactions makes them conflict, which is set-up cost, not what we measure."""
    name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    db: Database = client[name]
    for collection in ("items", "effects", "raw_effects", "outbox", "inbox"):
        await db.create_collection(collection)
    return db


async def stages(bootstrap: str, client: Any, events: int) -> dict[str, float]:
    """Each stage alone, on an otherwise idle pipeline: where the time goes."""
    db = await fresh_db(client, "stages")
    outbox = Outbox(db)
    await outbox.ensure_indexes()
    event_class = event_class_for(f"bench.stages.{uuid.uuid4().hex[:8]}")
    rates: dict[str, float] = {}
    for per_tx in (1, 50):
        started = time.perf_counter()
        await write_state_and_events(db, outbox, event_class, events, per_tx)
        rates[f"write_{per_tx}_per_tx"] = events / (time.perf_counter() - started)
    relay = OutboxRelay(db, bootstrap, owner="bench-stages")
    await relay.start(background=False)
    try:
        started = time.perf_counter()
        published = 0
        while batch := await relay.publish_pending():
            published += batch
        rates["relay_drain"] = published / (time.perf_counter() - started)
    finally:
        await relay.stop()
    for bulk in (False, True):
        await db.effects.delete_many({})
        await db.inbox.delete_many({})
        broker = KafkaBroker(bootstrap, log_level=10)
        group = f"bench-stages-{uuid.uuid4().hex[:8]}"
        subscribe_effects(broker, db, event_class, bench_settings(bootstrap, group), bulk)
        await broker.start()
        try:
            await wait_for_count(db, "effects", 1, timeout_s=120)  # joined and consuming
            started, before = time.perf_counter(), await db.effects.estimated_document_count()
            await wait_for_count(db, "effects", published, timeout_s=600)
            kind = "bulk" if bulk else "per_event"
            rates[f"consume_{kind}_handler"] = (published - before) / (
                time.perf_counter() - started
            )
        finally:
            await broker.stop()
    return rates


async def run(bootstrap: str, mongo_uri: str, events: int, rounds: int) -> dict[str, Any]:
    meters = Meters(Commands(), KafkaRequests(), make_client(mongo_uri))
    client = make_client(mongo_uri, event_listeners=[meters.commands])
    with meters.kafka.counting():
        return await _run(bootstrap, client, meters, events, rounds)


async def _run(
    bootstrap: str, client: Any, meters: Meters, events: int, rounds: int
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "benchmark": "P1 outbox throughput",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "events_per_round": events,
        "rounds": [],
    }
    try:
        # Warm-up: topic creation, connections, first-transaction costs.
        await raw_round(bootstrap, await fresh_db(client, "warm"), 200, meters)
        await system_round(bootstrap, await fresh_db(client, "warm"), 200, VARIANTS[0], meters)
        for _ in range(rounds):
            raw = await raw_round(bootstrap, await fresh_db(client, "raw"), events, meters)
            result: dict[str, Any] = {"raw": raw}
            for variant in VARIANTS:
                system = await system_round(
                    bootstrap, await fresh_db(client, "system"), events, variant, meters
                )
                system["ratio"] = system["events_per_s"] / raw["events_per_s"]
                result[variant.name] = system
            report["rounds"].append(result)
        report["median_raw_events_per_s"] = statistics.median(
            r["raw"]["events_per_s"] for r in report["rounds"]
        )
        for variant in VARIANTS:
            rows = [r[variant.name] for r in report["rounds"]]
            report[f"median_{variant.name}"] = {
                "events_per_s": statistics.median(row["events_per_s"] for row in rows),
                "ratio": statistics.median(row["ratio"] for row in rows),
                "db_commands_per_event": statistics.median(
                    row["db_commands_per_event"]["total"] for row in rows
                ),
                "kafka_requests_per_event": statistics.median(
                    row["kafka_requests_per_event"]["total"] for row in rows
                ),
            }
        report["stages_alone_events_per_s"] = await stages(bootstrap, client, events)
    finally:
        for name in await client.list_database_names():
            if name.startswith("bench_"):
                await client.drop_database(name)
        await client.close()
        await meters.poll.close()
    return report
