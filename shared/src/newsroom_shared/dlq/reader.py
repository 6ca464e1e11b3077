"""Reading a DLQ topic from a start offset up to its end, with the replay group's offsets.

The consumer is assigned the partitions by hand (no group membership, so no rebalance wait) but
carries the replay group's id, so it can read and commit that group's offsets.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

READ_TIMEOUT_MS = 500
READ_DEADLINE_S = 60.0
"""A DLQ is small; reading it to the end taking longer than this means the broker is unwell."""


class DlqReader:
    """A DLQ topic's partitions, its replay group's committed offsets, and its records."""

    def __init__(self, consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> None:
        self.consumer = consumer
        self.partitions = partitions

    async def committed(self) -> dict[TopicPartition, int]:
        """Per partition: dead letters below this offset were replayed (0 when none was)."""
        return {tp: await self.consumer.committed(tp) or 0 for tp in self.partitions}

    async def read(self, start: dict[TopicPartition, int]) -> list[Any]:
        """Every record from ``start`` to the end of each partition, oldest first."""
        # ListOffsets is only a lower bound of the end on some Kafka-protocol brokers (they answer
        # the last batch's base offset + 1). The high watermark of a fetch response is right on
        # all, so read until the position reaches it (fetching each partition at least once).
        listed_end = await self.consumer.end_offsets(self.partitions)
        for tp in self.partitions:
            self.consumer.seek(tp, start.get(tp, 0))
        records: list[Any] = []
        async with asyncio.timeout(READ_DEADLINE_S):
            while unread := await self._unread(listed_end):
                batches = await self.consumer.getmany(*unread, timeout_ms=READ_TIMEOUT_MS)
                for batch in batches.values():
                    records.extend(batch)
        return sorted(records, key=lambda r: (r.timestamp, r.partition, r.offset))

    async def _unread(self, listed_end: dict[TopicPartition, int]) -> list[TopicPartition]:
        unread = []
        for tp in self.partitions:
            highwater = self.consumer.highwater(tp)
            end = max(listed_end[tp], highwater or 0)
            if highwater is None or await self.consumer.position(tp) < end:
                unread.append(tp)
        return unread

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        if offsets:
            await self.consumer.commit(offsets)


@asynccontextmanager
async def open_dlq(
    bootstrap_servers: str, dlq_topic: str, group_id: str
) -> AsyncIterator[DlqReader]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        topics = await consumer.topics()
        numbers = (
            sorted(consumer.partitions_for_topic(dlq_topic) or ()) if dlq_topic in topics else []
        )
        partitions = [TopicPartition(dlq_topic, number) for number in numbers]
        if partitions:
            consumer.assign(partitions)
        yield DlqReader(consumer, partitions)
    finally:
        await consumer.stop()
