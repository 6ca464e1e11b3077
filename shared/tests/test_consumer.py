"""The consumer against the real broker and database: applied once, retries, dead letters."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka import KafkaBroker
from prometheus_client import REGISTRY
from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.config import ServiceSettings
from newsroom_shared.consumer import subscribe
from newsroom_shared.consumer.subscribe import consumer_group
from newsroom_shared.dlq.reader import open_dlq
from newsroom_shared.events.envelope import Envelope, ReceivedEvent, header_map
from newsroom_shared.mongo import Database
from newsroom_testing.consumer import (
    RawMessage,
    ThingHappened,
    Things,
    eventually,
    fast_settings,
    produce,
    produce_envelopes,
    running_subscription,
    thing_envelope,
    thing_event_on,
)
from newsroom_testing.infra import Infra

pytestmark = pytest.mark.connected

CONSUMER = "things"


@pytest.fixture
def settings(infra: Infra, unique: str) -> ServiceSettings:
    return fast_settings(infra.kafka_bootstrap_servers, infra.mongodb_uri, f"test-{unique}")


@pytest.fixture
def event_class(run_id: str, unique: str) -> type[ThingHappened]:
    return thing_event_on(f"test.{run_id}.{unique}.things")


@pytest.fixture
async def things(database: Database) -> Things:
    await database.create_collection("effects")
    return Things(database)


def consuming(
    settings: ServiceSettings, event_class: type[ThingHappened], things: Things
) -> AbstractAsyncContextManager[KafkaBroker]:
    return running_subscription(settings, event_class, things, things.db, CONSUMER)


def thing(event_class: type[ThingHappened], thing_id: str, tenant: str = "tenant-a") -> Envelope:
    return thing_envelope(event_class, thing_id, tenant)


async def dead_letters(
    infra: Infra, topic: str, at_least: int = 0
) -> list[tuple[dict[str, str], Any]]:
    """(headers, record) of every dead letter of ``topic`` so far; [] while fewer than at_least."""
    async with open_dlq(infra.kafka_bootstrap_servers, f"{topic}.dlq", "tests-reader") as dlq:
        letters = [(header_map(record.headers), record) for record in await dlq.read({})]
    return letters if len(letters) >= at_least else []


def consumed(topic: str, outcome: str) -> float:
    labels = {"topic": topic, "consumer": CONSUMER, "outcome": outcome}
    return REGISTRY.get_sample_value("newsroom_events_consumed_total", labels) or 0.0


def dead_lettered(topic: str, reason_kind: str) -> float:
    labels = {"topic": topic, "consumer": CONSUMER, "reason_kind": reason_kind}
    return REGISTRY.get_sample_value("newsroom_dead_letters_total", labels) or 0.0


async def committed(infra: Infra, settings: ServiceSettings, topic: str, count: int) -> bool:
    """Whether the group's committed offsets of ``topic`` add up to ``count`` messages."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=infra.kafka_bootstrap_servers,
        group_id=consumer_group(settings, CONSUMER),
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(4)]
        return sum([await consumer.committed(tp) or 0 for tp in partitions]) == count
    finally:
        await consumer.stop()


async def test_each_event_is_applied_once_and_redelivery_changes_nothing(
    infra: Infra, settings: ServiceSettings, event_class: type[ThingHappened], things: Things
) -> None:
    events = [thing(event_class, f"t{i}", tenant=f"tenant-{i % 2}") for i in range(20)]
    # The first event twice in the same delivery: applied once all the same.
    await produce_envelopes(infra.kafka_bootstrap_servers, [*events, events[0]])

    async with consuming(settings, event_class, things):
        await eventually(lambda: committed(infra, settings, event_class.topic, 21))
        assert await things.effects() == 20
        assert await things.db.inbox.count_documents({}) == 20

        # Redelivery: the same events (same ids) again, then a new one that shows we got past them.
        await produce_envelopes(infra.kafka_bootstrap_servers, [*events, thing(event_class, "new")])
        await eventually(lambda: things.effects(thing_id="new"))
        await eventually(lambda: committed(infra, settings, event_class.topic, 42))

    assert await things.effects() == 21
    assert all(count == 1 for count in await _effects_per_event(things))
    assert consumed(event_class.topic, "applied") == 21
    assert consumed(event_class.topic, "duplicate") == 21
    assert await dead_letters(infra, event_class.topic) == []


async def test_poison_messages_go_to_the_dlq_and_the_consumer_moves_on(
    infra: Infra, settings: ServiceSettings, event_class: type[ThingHappened], things: Things
) -> None:
    good = thing(event_class, "good")
    headers = dict(good.headers())
    wrong_schema = {**headers, "ce_id": b"wrong-schema"}
    poison = [
        RawMessage(b"not json {", b"k1", [*{**headers, "ce_id": b"not-json"}.items()]),
        RawMessage(good.data, b"k2", [("content-type", b"application/json")]),  # no ce_ headers
        RawMessage(b'{"tenant_id": "tenant-a"}', b"k3", [*wrong_schema.items()]),
        RawMessage(good.data, b"k4", [("ce_id", b"\xff\xfe binary"), ("x-trace", None)]),  # type: ignore[list-item]
    ]
    boom = thing(event_class, "boom")
    things.always_fail.add("boom")
    after = [thing(event_class, "after-1"), thing(event_class, "after-2")]
    await produce(infra.kafka_bootstrap_servers, event_class.topic, poison)
    await produce_envelopes(infra.kafka_bootstrap_servers, [boom, *after])

    async with consuming(settings, event_class, things):
        await eventually(lambda: things.effects(thing_id="after-2"))
        letters = await eventually(lambda: dead_letters(infra, event_class.topic, at_least=5))

    assert await things.effects(thing_id="after-1") == 1
    assert await things.effects(thing_id="boom") == 0  # every attempt was rolled back
    by_reason = {headers["x-dlq-error"]: headers for headers, _ in letters}
    assert sorted(h["x-dlq-error"] for h, _ in letters) == [
        "InvalidEventError",
        "InvalidEventError",
        "InvalidEventError",
        "InvalidEventError",
        "RuntimeError",
    ]
    reasons = " | ".join(h["x-dlq-reason"] for h, _ in letters)
    assert "does not match" in reasons
    assert "missing headers" in reasons
    failed = by_reason["RuntimeError"]
    assert failed["ce_id"] == boom.id  # original headers kept
    assert failed["ce_tenantid"] == "tenant-a"
    assert failed["x-dlq-reason"] == "handler bug on boom"
    assert failed["x-dlq-topic"] == event_class.topic
    assert failed["x-dlq-consumer"] == CONSUMER
    # retry_max_attempts (3) in its batch, then 3 more on its own (only 3 if it came alone).
    assert int(failed["x-dlq-attempts"]) in {3, 2 * 3}
    assert failed["x-dlq-failed-at"].endswith("Z")
    assert {record.key for _, record in letters} == {b"k1", b"k2", b"k3", b"k4", b"boom"}
    not_json = next(r for h, r in letters if h.get("ce_id") == "not-json")
    assert not_json.value == b"not json {"  # value kept byte for byte
    assert dead_lettered(event_class.topic, "invalid") == 4
    assert dead_lettered(event_class.topic, "exhausted") == 1
    assert consumed(event_class.topic, "applied") == 2


async def test_a_permanent_error_is_dead_lettered_at_once_and_the_rest_apply(
    infra: Infra, settings: ServiceSettings, event_class: type[ThingHappened], things: Things
) -> None:
    things.permanent.add("unknown")
    events = [
        thing(event_class, "first"),
        thing(event_class, "unknown"),
        thing(event_class, "last"),
    ]
    await produce_envelopes(infra.kafka_bootstrap_servers, events)

    async with consuming(settings, event_class, things):
        letters = await eventually(lambda: dead_letters(infra, event_class.topic))
        await eventually(lambda: things.effects(thing_id="last"))

    ((headers, _),) = letters
    assert headers["x-dlq-error"] == "PermanentError"
    assert things.calls["unknown"] == 1  # no retries
    assert await things.effects() == 2
    assert dead_lettered(event_class.topic, "permanent") == 1


async def test_a_handler_that_fails_twice_then_succeeds_applies_once(
    infra: Infra, settings: ServiceSettings, event_class: type[ThingHappened], things: Things
) -> None:
    things.fail_first["flaky"] = 2
    await produce_envelopes(infra.kafka_bootstrap_servers, [thing(event_class, "flaky")])

    async with consuming(settings, event_class, things):
        await eventually(lambda: things.effects(thing_id="flaky"))
        await eventually(lambda: committed(infra, settings, event_class.topic, 1))

    assert things.calls["flaky"] == 3
    assert await things.effects() == 1
    assert await dead_letters(infra, event_class.topic) == []


async def test_an_unreachable_database_is_not_the_events_fault_the_batch_is_read_again(
    infra: Infra, settings: ServiceSettings, event_class: type[ThingHappened], things: Things
) -> None:
    # More failures than one delivery's attempts: the batch is nacked, read again, then applied.
    things.unreachable_first["t"] = settings.retry_max_attempts + 1
    await produce_envelopes(infra.kafka_bootstrap_servers, [thing(event_class, "t")])

    async with consuming(settings, event_class, things):
        await eventually(lambda: things.effects(thing_id="t"))
        await eventually(lambda: committed(infra, settings, event_class.topic, 1))

    assert things.calls["t"] == settings.retry_max_attempts + 2
    assert await things.effects() == 1
    assert await dead_letters(infra, event_class.topic) == []


async def _effects_per_event(things: Things) -> list[int]:
    pipeline = [{"$group": {"_id": "$event_id", "n": {"$sum": 1}}}]
    return [doc["n"] async for doc in await things.db.effects.aggregate(pipeline)]


async def test_a_batch_handler_applies_events_in_bulk_and_only_the_bad_one_is_dead_lettered(
    infra: Infra, settings: ServiceSettings, event_class: type[ThingHappened], things: Things
) -> None:
    calls: list[int] = []

    async def in_bulk(session: AsyncClientSession, events: Sequence[ReceivedEvent]) -> None:
        calls.append(len(events))
        documents = [{"thing_id": event.data.thing_id, "event_id": event.id} for event in events]
        await things.db.effects.insert_many(documents, session=session)
        if any(document["thing_id"] == "bad" for document in documents):
            raise RuntimeError("cannot apply thing bad")

    good = [thing(event_class, f"g{i}") for i in range(10)]
    await produce_envelopes(infra.kafka_bootstrap_servers, [*good, thing(event_class, "bad")])
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    subscribe(
        broker,
        event_class=event_class,
        batch_handler=in_bulk,
        db=things.db,
        name=CONSUMER,
        settings=settings,
    )
    await broker.start()
    try:
        await eventually(lambda: dead_letters(infra, event_class.topic, at_least=1))
        await eventually(lambda: committed(infra, settings, event_class.topic, 11))
        # Redelivered events change nothing.
        await produce_envelopes(infra.kafka_bootstrap_servers, good)
        await eventually(lambda: committed(infra, settings, event_class.topic, 21))
    finally:
        await broker.stop()

    assert await things.effects() == 10  # the failing batch and the bad event rolled back
    assert all(count == 1 for count in await _effects_per_event(things))
    letters = await dead_letters(infra, event_class.topic)
    assert [headers["x-dlq-error"] for headers, _ in letters] == ["RuntimeError"]
    assert any(size > 1 for size in calls)  # events did arrive in bulk


def test_subscribe_needs_exactly_one_handler(settings: ServiceSettings, database: Database) -> None:
    broker = KafkaBroker()
    with pytest.raises(TypeError, match="exactly one"):
        subscribe(broker, event_class=ThingHappened, db=database, name="x", settings=settings)
