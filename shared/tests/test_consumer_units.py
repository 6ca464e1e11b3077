"""Fast tests of the consumer's parts: no broker, and the one in-memory broker test."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast
from unittest.mock import MagicMock

import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaConnectionError
from faststream.kafka import KafkaBroker, TestKafkaBroker
from pymongo.errors import AutoReconnect, OperationFailure

from newsroom_shared.config import ServiceSettings
from newsroom_shared.consumer import subscribe
from newsroom_shared.consumer.batch import (
    BatchProcessor,
    BatchResult,
    _HandlerError,
    _Pending,
    is_infrastructure_error,
)
from newsroom_shared.consumer.dead_letters import (
    REASON_MAX_CHARS,
    DeadLetter,
    DeadLetterPublisher,
    dead_letter_headers,
)
from newsroom_shared.consumer.errors import ConsumerUnavailableError
from newsroom_shared.consumer.retry import RetryPolicy
from newsroom_shared.consumer.subscribe import (
    _BatchSubscriberWithoutIdleSleep,
    parse_batch_with_binary_headers,
    poll_batch,
    raw_bodies,
)
from newsroom_shared.dlq.records import DeadLetterInfo, original_headers
from newsroom_shared.dlq.replay import _replayed_prefix
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.mongo import Database
from newsroom_testing.consumer import (
    Things,
    fast_settings,
    raw_message,
    thing_envelope,
    thing_event_on,
)
from newsroom_testing.infra import Infra

FAILED_AT = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def record(
    offset: int = 7,
    partition: int = 2,
    headers: list[tuple[str, Any]] | None = None,
    topic: str = "newsroom.test.v1",
) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic=topic,
        partition=partition,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"key",
        value=b"{}",
        checksum=None,
        serialized_key_size=3,
        serialized_value_size=2,
        headers=headers if headers is not None else [("ce_id", b"e1"), ("ce_tenantid", b"t1")],
    )


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=5, initial_s=0.1, max_s=0.5)
    for failures, ceiling in [(1, 0.1), (2, 0.2), (3, 0.4), (4, 0.5), (9, 0.5)]:
        delays = {policy.delay(failures) for _ in range(50)}
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(delays) > 1  # jittered


def test_dead_letter_headers_keep_the_original_ones_and_say_why() -> None:
    letter = DeadLetter(record(), "exhausted", RuntimeError("boom"), attempts=6)
    headers = dead_letter_headers(letter, "things", FAILED_AT)
    assert headers == {
        "ce_id": "e1",
        "ce_tenantid": "t1",
        "x-dlq-reason": "boom",
        "x-dlq-error": "RuntimeError",
        "x-dlq-topic": "newsroom.test.v1",
        "x-dlq-partition": "2",
        "x-dlq-offset": "7",
        "x-dlq-consumer": "things",
        "x-dlq-attempts": "6",
        "x-dlq-failed-at": "2026-11-26T12:00:00Z",
    }


def test_a_replayed_message_that_fails_again_gets_fresh_dlq_headers() -> None:
    stale = [("ce_id", b"e1"), ("x-dlq-reason", b"old"), ("x-dlq-attempts", b"3")]
    letter = DeadLetter(record(headers=stale), "permanent", ValueError("new"), attempts=1)
    headers = dead_letter_headers(letter, "things", FAILED_AT)
    assert (headers["x-dlq-reason"], headers["x-dlq-attempts"]) == ("new", "1")


def test_a_long_reason_is_truncated_and_an_empty_one_names_the_error() -> None:
    long = DeadLetter(record(), "invalid", ValueError("x" * 5000), attempts=1)
    assert len(long.reason) == REASON_MAX_CHARS
    assert DeadLetter(record(), "invalid", KeyError(), attempts=1).reason == "KeyError"


def test_only_database_failures_count_as_infrastructure() -> None:
    pending = _Pending(record(), _received(), "key")
    transient = OperationFailure("write conflict", code=112)
    transient._add_error_label("TransientTransactionError")
    assert is_infrastructure_error(OperationFailure("insert failed"))  # our own step
    assert is_infrastructure_error(_HandlerError(pending, AutoReconnect("gone")))
    assert is_infrastructure_error(_HandlerError(pending, transient))
    assert not is_infrastructure_error(_HandlerError(pending, RuntimeError("bug")))
    assert not is_infrastructure_error(_HandlerError(pending, OperationFailure("bad doc")))


async def test_a_batch_with_binary_headers_still_parses() -> None:
    records = (record(headers=[("ce_id", b"\xff\xfe"), ("nothing", None)]), record(offset=8))

    async def strict(batch: tuple[Any, ...]) -> Any:
        decoded = [{name: value.decode() for name, value in r.headers} for r in batch]
        return _Message(raw_message=batch, batch_headers=decoded)

    message = await parse_batch_with_binary_headers(records, strict)
    assert message.raw_message is records  # the original bytes stay for the dead letter
    assert message.batch_headers[0] == {"ce_id": "\ufffd\ufffd", "nothing": ""}


def test_replay_commits_only_the_leading_run_of_replayed_dead_letters() -> None:
    p0, p1 = TopicPartition("t.dlq", 0), TopicPartition("t.dlq", 1)
    a, b, c = (record(offset=o, partition=0, topic="t.dlq") for o in (4, 5, 6))
    d = record(offset=0, partition=1, topic="t.dlq")
    assert _replayed_prefix({p0: 4}, [a, b, c, d], [a, c, d]) == {p0: 5, p1: 1}
    assert _replayed_prefix({p0: 4}, [a, b, c], [b]) == {}


def test_dead_letter_info_reads_the_headers_and_replay_drops_the_dlq_ones() -> None:
    headers = [
        ("ce_id", b"e1"),
        ("ce_type", b"io.newsroom.test.v1"),
        ("ce_tenantid", b"t1"),
        ("X-DLQ-Reason", b"boom"),
        ("x-dlq-topic", b"newsroom.test.v1"),
        ("x-dlq-attempts", b"3"),
    ]
    info = DeadLetterInfo.of(record(headers=headers, topic="newsroom.test.v1.dlq"))
    assert (info.event_id, info.type, info.tenant_id, info.reason) == (
        "e1",
        "io.newsroom.test.v1",
        "t1",
        "boom",
    )
    assert (info.topic, info.attempts, info.key) == ("newsroom.test.v1", 3, "key")
    assert original_headers(record(headers=headers)) == headers[:3]


@pytest.mark.connected
async def test_one_handler_in_memory_applies_good_events_and_dead_letters_bad_ones(
    infra: Infra, database: Database, unique: str
) -> None:
    event_class = thing_event_on(f"test.memory.{unique}")
    settings = fast_settings(infra.kafka_bootstrap_servers, infra.mongodb_uri, f"g-{unique}")
    await database.create_collection("effects")
    things = Things(database)
    broker = KafkaBroker()
    subscribe(
        broker,
        event_class=event_class,
        handler=things,
        db=database,
        name="memory",
        settings=settings,
    )
    dead: list[bytes] = []

    @broker.subscriber(f"{event_class.topic}.dlq", decoder=raw_bodies)
    async def collect(body: bytes) -> None:
        dead.append(body)

    good = raw_message(thing_envelope(event_class, "good", "tenant-a"))
    async with TestKafkaBroker(broker) as test_broker:
        headers = {name: value.decode() for name, value in good.headers}
        await test_broker.publish(good.value, event_class.topic, key=good.key, headers=headers)
        await test_broker.publish(good.value, event_class.topic, key=good.key, headers=headers)
        await test_broker.publish(b"not json", event_class.topic, headers=headers)

    assert await things.effects(thing_id="good") == 1  # the second delivery was a duplicate
    assert dead == [b"not json"]


@dataclass
class _Message:
    raw_message: Any
    batch_headers: list[dict[str, str]] = field(default_factory=list)


def _received() -> ReceivedEvent:
    event_class = thing_event_on("t")
    return ReceivedEvent("e1", "type", "source", "t1", event_class(tenant_id="t1", thing_id="x"))


class _UnreachableBroker:
    def __init__(self) -> None:
        self.calls = 0

    async def publish(self, *args: Any, **kwargs: Any) -> None:
        self.calls += 1
        raise KafkaConnectionError("broker down")


async def test_dead_letters_that_cannot_be_produced_make_the_batch_unavailable() -> None:
    broker = _UnreachableBroker()
    policy = RetryPolicy(max_attempts=3, initial_s=0.001, max_s=0.001)
    publisher = DeadLetterPublisher(cast(KafkaBroker, broker), "things", policy)
    letter = DeadLetter(record(), "invalid", ValueError("bad"), attempts=1)
    with pytest.raises(ConsumerUnavailableError, match="broker down"):
        await publisher.publish([letter])
    assert broker.calls == 3


@pytest.mark.connected
async def test_after_commit_is_called_for_a_batch_that_applied_something_only(
    infra: Infra, database: Database, unique: str
) -> None:
    event_class = thing_event_on(f"test.after.{unique}")
    settings = fast_settings(infra.kafka_bootstrap_servers, infra.mongodb_uri, f"g-{unique}")
    await database.create_collection("effects")
    things = Things(database)
    rung: list[int] = []

    async def count_then_apply(session: Any, received: ReceivedEvent) -> None:
        await things(session, received)
        rung.append(-1)  # the handler ran; the bell must come after it, once committed

    broker = KafkaBroker()
    subscribe(
        broker,
        event_class=event_class,
        handler=count_then_apply,
        db=database,
        name="after",
        settings=settings,
        after_commit=lambda: rung.append(len(rung)),
    )
    good = raw_message(thing_envelope(event_class, "good", "tenant-a"))
    headers = {name: value.decode() for name, value in good.headers}
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(good.value, event_class.topic, key=good.key, headers=headers)
        await test_broker.publish(good.value, event_class.topic, key=good.key, headers=headers)

    assert rung == [-1, 1]  # applied then rung; the duplicate applied nothing and rang nothing
    assert await things.effects(thing_id="good") == 1


class _PollClock:
    """A monotonic clock that only a fake poll moves, and the sleeps asked of it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


class _FakeConsumer:
    """``getmany`` that waits ``waited_s`` on the fake clock and answers ``batches``."""

    def __init__(self, clock: _PollClock, waited_s: float, batches: dict[Any, Any]) -> None:
        self._clock = clock
        self._waited_s = waited_s
        self._batches = batches

    async def getmany(self, *, timeout_ms: int, max_records: int | None) -> dict[Any, Any]:
        self._clock.now += self._waited_s
        return self._batches


@pytest.mark.parametrize(
    ("waited_s", "batches", "expected", "sleeps"),
    [
        # Waited its whole timeout for nothing: poll again at once (FastStream would sleep).
        (0.5, {}, (), []),
        # Came back empty early: the rest of the timeout is waited, so the loop never spins.
        (0.1, {}, (), [0.4]),
        # Records: handed on at once, in partition order.
        (0.0, {"p0": [record(1)], "p1": [record(2)]}, (record(1), record(2)), []),
    ],
)
async def test_the_batch_poll_sleeps_only_to_finish_an_early_empty_wait(
    waited_s: float, batches: dict[Any, Any], expected: tuple[Any, ...], sleeps: list[float]
) -> None:
    clock = _PollClock()
    consumer = cast(AIOKafkaConsumer, _FakeConsumer(clock, waited_s, batches))

    polled = await poll_batch(consumer, 500, 100, clock=clock.monotonic, sleep=clock.sleep)

    assert polled == expected
    assert clock.sleeps == pytest.approx(sleeps)


def test_subscribers_poll_without_faststreams_sleep_after_an_empty_batch() -> None:
    subscriber = subscribe(
        KafkaBroker(),
        event_class=thing_event_on("test.poll"),
        handler=lambda session, event: asyncio.sleep(0),
        db=cast(Database, MagicMock()),
        name="poll",
        settings=ServiceSettings(),
    )
    assert isinstance(subscriber, _BatchSubscriberWithoutIdleSleep)


class _Crowded(BatchProcessor):
    """Every transaction of more than ``room`` events loses a write race (as a big batch does
    while another consumer keeps writing the same documents); smaller ones commit."""

    def __init__(self, room: int, error: Exception) -> None:
        super().__init__(
            event_class=thing_event_on("t"),
            handler=MagicMock(),
            db=MagicMock(),
            name="crowded",
            policy=RetryPolicy(max_attempts=3, initial_s=0.001, max_s=0.001),
            inbox=MagicMock(),
            dead_letters=MagicMock(),
        )
        self.room, self.error = room, error
        self.committed: list[list[str]] = []
        self.tries = 0
        self.unlucky_tries = 0  # the first tries lose their race whatever their size

    async def _apply_once(self, pending: Sequence[_Pending]) -> tuple[int, int]:
        self.tries += 1
        if len(pending) > self.room or self.tries <= self.unlucky_tries:
            raise self.error
        self.committed.append([item.key for item in pending])
        return len(pending), 0


def _conflict() -> OperationFailure:
    conflict = OperationFailure("WriteConflict error", code=112)
    conflict._add_error_label("TransientTransactionError")
    return conflict


def _batch(size: int) -> list[_Pending]:
    return [_Pending(record(offset=n), _received(), f"k{n}") for n in range(size)]


async def test_a_batch_that_keeps_losing_write_races_is_applied_in_halves_in_order() -> None:
    crowded = _Crowded(room=3, error=_conflict())
    result = BatchResult()

    await crowded._apply(_batch(10), result)

    assert result.applied == 10
    assert not result.dead_letters
    assert [key for part in crowded.committed for key in part] == [f"k{n}" for n in range(10)]
    assert max(len(part) for part in crowded.committed) <= 3


async def test_a_single_conflict_is_retried_whole_and_an_unreachable_server_is_never_split() -> (
    None
):
    once = _Crowded(room=3, error=_conflict())
    once.room = 10  # commits on its first retry: no split
    await once._apply(_batch(10), BatchResult())
    assert once.committed == [[f"k{n}" for n in range(10)]]

    down = _Crowded(room=3, error=AutoReconnect("connection refused"))
    with pytest.raises(ConsumerUnavailableError):
        await down._apply(_batch(10), BatchResult())
    assert down.tries == 3  # the policy's attempts, each with the whole batch
