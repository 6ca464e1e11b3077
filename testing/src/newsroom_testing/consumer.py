"""Helpers for tests of consumers, in any service: produce events, wait for their effect.

Tests run against the real local broker; a new consumer group takes a few seconds to join, so
tests poll for the effect with a deadline (:func:`eventually`) instead of sleeping.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import AutoReconnect

from newsroom_shared.config import ServiceSettings
from newsroom_shared.consumer.errors import PermanentError
from newsroom_shared.consumer.subscribe import EventHandler, subscribe
from newsroom_shared.events.base import Event
from newsroom_shared.events.envelope import Envelope, ReceivedEvent, envelope_for
from newsroom_shared.mongo import Database

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RawMessage:
    """Anything at all to put on a topic, e.g. a malformed message."""

    value: bytes | None
    key: bytes | None = None
    headers: Sequence[tuple[str, bytes]] = field(default_factory=list)


def raw_message(envelope: Envelope) -> RawMessage:
    """An envelope as the Kafka binding sends it (headers, key, JSON value)."""
    return RawMessage(envelope.data, envelope.key.encode(), list(envelope.headers().items()))


async def produce(bootstrap_servers: str, topic: str, messages: Iterable[RawMessage]) -> None:
    """Produce ``messages`` to ``topic`` in order and wait for the acks."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
    await producer.start()
    try:
        acks = [
            await producer.send(topic, m.value, key=m.key, headers=list(m.headers))
            for m in messages
        ]
        await asyncio.gather(*acks)
    finally:
        await producer.stop()


async def produce_envelopes(bootstrap_servers: str, envelopes: Iterable[Envelope]) -> None:
    """Produce events to their topics (in order within a topic)."""
    by_topic: dict[str, list[RawMessage]] = {}
    for envelope in envelopes:
        by_topic.setdefault(envelope.topic, []).append(raw_message(envelope))
    for topic, messages in by_topic.items():
        await produce(bootstrap_servers, topic, messages)


async def eventually(
    check: Callable[[], Awaitable[T] | T],
    what: str = "condition",
    *,
    timeout_s: float = 30.0,
    interval_s: float = 0.05,
) -> T:
    """Poll ``check`` (a plain or an async callable) until it returns something truthy, and
    return that; fail at the deadline saying ``what`` was awaited. The one way tests wait."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout_s}s (last: {result!r})")
        await asyncio.sleep(interval_s)


def fast_settings(
    kafka_bootstrap_servers: str, mongodb_uri: str, group: str, **overrides: Any
) -> ServiceSettings:
    """Settings for tests: a unique group, short group timeouts, retries in milliseconds."""
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": kafka_bootstrap_servers,
        "mongodb_uri": mongodb_uri,
        "consumer_group": group,
        "retry_max_attempts": 3,
        "retry_backoff_initial_s": 0.01,
        "retry_backoff_max_s": 0.05,
        **overrides,
    }
    return ServiceSettings(**values)


class ThingHappened(Event):
    """A contract for tests only; :func:`thing_event_on` gives each test a topic of its own."""

    topic: ClassVar[str] = "newsroom.test.thing-happened.v1"
    ce_type: ClassVar[str] = "io.newsroom.test.thing-happened.v1"
    aggregate_field: ClassVar[str] = "thing_id"

    thing_id: str
    note: str = ""


def thing_event_on(topic_name: str) -> type[ThingHappened]:
    """``ThingHappened`` on ``topic_name`` (topics outlive a test; groups read from the start)."""
    return type(
        "ThingHappened",
        (ThingHappened,),
        {"__annotations__": {"topic": ClassVar[str]}, "topic": topic_name},
    )


def thing_envelope(event_class: type[ThingHappened], thing_id: str, tenant: str) -> Envelope:
    return envelope_for(event_class(tenant_id=tenant, thing_id=thing_id), source="tests")


@dataclass
class Things:
    """A handler of ``ThingHappened`` that records each applied event in ``effects``.

    It fails on demand, by ``thing_id``: the first n calls, always, permanently, or as if the
    database were unreachable. ``calls`` counts the calls per thing (rolled back ones included).
    """

    db: Database
    fail_first: dict[str, int] = field(default_factory=dict)
    always_fail: set[str] = field(default_factory=set)
    permanent: set[str] = field(default_factory=set)
    unreachable_first: dict[str, int] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    async def __call__(self, session: AsyncClientSession, event: ReceivedEvent) -> None:
        assert isinstance(event.data, ThingHappened)
        thing = event.data.thing_id
        self.calls[thing] = self.calls.get(thing, 0) + 1
        await self.db.effects.insert_one(
            {"tenant_id": event.tenant_id, "event_id": event.id, "thing_id": thing},
            session=session,
        )
        if thing in self.permanent:
            raise PermanentError(f"thing {thing} is unknown")
        if thing in self.always_fail:
            raise RuntimeError(f"handler bug on {thing}")
        if self.fail_first.get(thing, 0) >= self.calls[thing]:
            raise RuntimeError(f"flaky on {thing}")
        if self.unreachable_first.get(thing, 0) >= self.calls[thing]:
            raise AutoReconnect("database went away")

    async def effects(self, **query: str) -> int:
        """How many effects match ``query`` (e.g. ``thing_id="a"``)."""
        return await self.db.effects.count_documents(query)


@asynccontextmanager
async def running_subscription(
    settings: ServiceSettings,
    event_class: type[Event],
    handler: EventHandler,
    db: Database,
    name: str,
) -> AsyncIterator[KafkaBroker]:
    """A started broker with one :func:`subscribe`; stopped when the block ends."""
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    subscribe(broker, event_class=event_class, handler=handler, db=db, name=name, settings=settings)
    await broker.start()
    try:
        yield broker
    finally:
        await broker.stop()
