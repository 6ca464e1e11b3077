"""Registering an event handler on a FastStream Kafka broker.

The service runs the broker in FastAPI's lifespan; this module only adds a batch subscriber whose
handler is a :class:`~.batch.BatchProcessor` (inbox, retries, dead letters).

Acknowledgement (FastStream 0.7.8, Kafka): with ``AckPolicy.NACK_ON_ERROR`` auto-commit is off and
each batch is one ``KafkaAckableMessage``. When the handler returns, ``ack()`` commits the
consumer's positions, i.e. everything this batch read; when it raises, ``nack()`` seeks every
partition of the batch back to its first record, so the batch is read again and nothing is
committed. ``nack`` re-reads at once, so the backoff happens here, before it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from itertools import chain
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from faststream.exceptions import NackMessage
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.subscriber.usecase import BatchSubscriber
from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy

from newsroom_shared.config import ServiceSettings
from newsroom_shared.consumer.batch import BatchProcessor, EventHandler, EventsHandler, one_by_one
from newsroom_shared.consumer.dead_letters import DeadLetterPublisher
from newsroom_shared.consumer.errors import ConsumerUnavailableError
from newsroom_shared.consumer.inbox import Inbox
from newsroom_shared.consumer.retry import RetryPolicy
from newsroom_shared.events.base import Event
from newsroom_shared.mongo import Database

__all__ = ["EventHandler", "EventsHandler", "consumer_group", "subscribe"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_RECORDS = 500
"""Events per batch (one transaction each); like the outbox relay's batch size."""


def consumer_group(settings: ServiceSettings, name: str) -> str:
    """One Kafka consumer group per handler (``newsroom-publisher.media-processed``): a handler
    that joins, leaves or stalls never makes the service's other handlers rebalance, and the
    handlers can join at the same time (a join takes seconds)."""
    return group_name(settings.group_id, name)


def group_name(prefix: str, name: str) -> str:
    return f"{prefix}.{name}"


def subscribe(
    broker: KafkaBroker,
    *,
    event_class: type[Event],
    handler: EventHandler | None = None,
    db: Database,
    name: str,
    settings: ServiceSettings,
    max_records: int = DEFAULT_MAX_RECORDS,
    batch_timeout_ms: int | None = None,
    batch_handler: EventsHandler | None = None,
    fetch_max_wait_ms: int | None = None,
    after_commit: Callable[[], None] | None = None,
) -> BatchSubscriber:
    """Subscribe ``handler`` to ``event_class.topic`` in its group (:func:`consumer_group`).

    - Messages are consumed in batches; offsets are committed only after the batch is done.
    - Each message is parsed with :func:`newsroom_shared.events.envelope.parse`; an
      ``InvalidEventError`` goes to ``<topic>.dlq`` at once.
    - Events whose id the inbox (collection ``inbox``, key ``(tenant id, name, event id)``, TTL)
      already holds are skipped; the rest are applied in one transaction together with their
      inbox records.
    - A :class:`PermanentError` sends that event to the DLQ; any other error is retried with
      exponential backoff (``settings.retry_*``); when retries are exhausted the batch is applied
      one event at a time so only the failing event goes to the DLQ; the consumer moves on.
    - Dead letters keep key, value and headers and add ``x-dlq-*`` headers with the reason.

    Also: when the database or the dead-letter producer stays unreachable through the retries,
    the batch is not committed and is read again after a backoff. ``name`` names the consumer
    (inbox key, metrics, ``x-dlq-consumer``): unique per handler within the service.
    ``batch_handler`` instead of ``handler`` receives all of a batch's new events in one call
    (same transaction), for effects written in bulk. ``max_records`` caps a batch;
    ``batch_timeout_ms`` (default: the fetch wait) is how long an idle poll waits;
    ``fetch_max_wait_ms`` (default ``settings.kafka_fetch_max_wait_ms``; the subscription table
    gives consumers off the publish path ``settings.kafka_off_path_fetch_max_wait_ms``) how long
    the broker holds a fetch for new events. FastStream's per-message access log is lowered to
    DEBUG on this broker (it halves throughput at INFO).
    ``after_commit`` is called once a batch's effects are committed (e.g. to wake a worker of
    this process that acts on them), never for a batch that applied nothing.
    """
    if (handler is None) == (batch_handler is None):
        raise TypeError("give exactly one of handler (per event) and batch_handler")
    policy = RetryPolicy.from_settings(settings)
    fetch_wait = fetch_max_wait_ms
    if fetch_wait is None:
        fetch_wait = settings.kafka_fetch_max_wait_ms
    processor = BatchProcessor(
        event_class=event_class,
        handler=batch_handler or one_by_one(handler),  # type: ignore[arg-type]
        db=db,
        name=name,
        policy=policy,
        inbox=Inbox(db, name, settings.inbox_ttl_s),
        dead_letters=DeadLetterPublisher(broker, name, policy),
        after_commit=after_commit,
    )
    # The level FastStream logs "Received"/"Processed" at; error logs keep their own levels.
    broker.config.logger.log_level = logging.DEBUG
    subscriber = broker.subscriber(
        event_class.topic,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=fetch_wait if batch_timeout_ms is None else batch_timeout_ms,
        group_id=consumer_group(settings, name),
        auto_offset_reset="earliest",
        fetch_max_wait_ms=fetch_wait,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=parse_batch_with_binary_headers,
        decoder=raw_bodies,
        title=f"{name}:{event_class.topic}",
        description=f"{name}: applies each {event_class.__name__} event once",
    )
    subscriber(_batch_handler(processor, policy, name))
    subscriber.__class__ = _BatchSubscriberWithoutIdleSleep
    return subscriber


class _BatchSubscriberWithoutIdleSleep(BatchSubscriber):
    """FastStream's batch subscriber, minus its sleep after an empty poll.

    FastStream 0.7.8's ``BatchSubscriber.get_msg`` sleeps ``batch_timeout_ms`` whenever a
    ``getmany`` came back empty: an event that arrives during that sleep waits up to the whole
    timeout more (on the publish path with the default 500 ms, half a second of latency after
    every quiet spell) although the fetcher already holds it. ``getmany`` itself waits up to
    the timeout for records and answers as soon as some arrive, so an idle loop does not spin
    without the sleep (see :func:`poll_batch`).
    """

    __slots__ = ()

    async def get_msg(self, consumer: AIOKafkaConsumer) -> tuple[ConsumerRecord[Any, Any], ...]:
        return await poll_batch(consumer, self.batch_timeout_ms, self.max_records)


async def poll_batch(
    consumer: AIOKafkaConsumer,
    timeout_ms: int,
    max_records: int | None,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> tuple[ConsumerRecord[Any, Any], ...]:
    """The records ``getmany`` has within ``timeout_ms``; after an empty answer that came
    early (it should not), the rest of the timeout is waited, so the loop never spins."""
    started = clock()
    batches = await consumer.getmany(timeout_ms=timeout_ms, max_records=max_records)
    if not batches:
        rest_s = timeout_ms / 1000 - (clock() - started)
        if rest_s > 0:
            await sleep(rest_s)
        return ()
    return tuple(chain(*batches.values()))


def _batch_handler(
    processor: BatchProcessor, policy: RetryPolicy, name: str
) -> Callable[..., Awaitable[None]]:
    async def consume(message: KafkaMessage) -> None:
        try:
            await processor.process(tuple(message.raw_message))
        except ConsumerUnavailableError:
            logger.exception("%s: batch not applied; it will be read again", name)
            await asyncio.sleep(policy.delay(policy.max_attempts))
            raise NackMessage() from None

    consume.__name__ = consume.__qualname__ = name
    return consume


async def parse_batch_with_binary_headers(
    records: tuple[Any, ...],
    original: Callable[[tuple[Any, ...]], Awaitable[StreamMessage[Any]]],
) -> StreamMessage[Any]:
    """FastStream's batch parser, safe for headers that are not UTF-8 text.

    The stock parser decodes every header strictly, so one message with a binary or null header
    value would fail its whole batch on every delivery, before our handler could dead-letter it.
    On such a batch, parse a copy with text-safe headers and keep the original records.
    """
    try:
        return await original(records)
    except (UnicodeDecodeError, AttributeError):
        message = await original(tuple(map(_with_text_headers, records)))
        message.raw_message = records
        return message


def _with_text_headers(record: Any) -> Any:
    headers = [
        (name, (value or b"").decode("utf-8", errors="replace").encode())
        for name, value in record.headers
    ]
    return dataclasses.replace(record, headers=headers)


async def raw_bodies(message: StreamMessage[Any]) -> Any:
    """No JSON decoding: the processor validates each value itself (a bad one is a dead letter)."""
    return message.body
