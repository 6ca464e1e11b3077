"""The Kafka producer the relay publishes with (a protocol, so tests can wrap or replace it)."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from aiokafka import AIOKafkaProducer


class Producer(Protocol):
    """The part of :class:`aiokafka.AIOKafkaProducer` the relay uses."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> asyncio.Future[Any]:
        """Queue one record; the returned future resolves when the broker acknowledged it."""
        ...


def kafka_producer(bootstrap_servers: str, *, linger_ms: int = 0) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        # Marked sent only after every in-sync replica has the record.
        acks="all",
        # Off: duplicates after a retry are what the consumers' idempotency is for, and not
        # every Kafka-protocol broker supports idempotent producers.
        enable_idempotence=False,
        # The relay queues a whole batch before it yields to the event loop, so the records are
        # already grouped into one request per partition; lingering would only delay every pass.
        linger_ms=linger_ms,
    )
