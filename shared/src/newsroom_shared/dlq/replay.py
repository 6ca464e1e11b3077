"""``newsroom-dlq replay``: put dead letters back on their original topic.

Safe because consumers are idempotent: an event that was applied after all is skipped by the
consumer's inbox. What was replayed is recorded as the committed offsets of a consumer group per
DLQ topic (``newsroom-dlq-replay.<dlq topic>``): dead letters below them count as replayed, so a
second ``replay --all`` finds nothing new. Replaying chosen event ids advances a partition's
offset only over the leading run of replayed dead letters (offsets cannot skip a gap), so a later
``--all`` may replay such an event again: harmless, for the same reason.

Order: produce, wait for the acks, then commit. A crash in between replays again next time.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaProducer, TopicPartition

from newsroom_shared.dlq.reader import open_dlq
from newsroom_shared.dlq.records import (
    DeadLetterInfo,
    dlq_topic_of,
    original_headers,
    replay_group_of,
)


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """The dead letters put back, and the asked-for event ids not found among pending ones."""

    replayed: list[DeadLetterInfo] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)


async def replay_dead_letters(
    topic: str,
    *,
    bootstrap_servers: str,
    event_ids: Collection[str] = (),
    replay_all: bool = False,
) -> ReplayReport:
    """Re-publish pending dead letters of ``topic``: all of them, or those with ``event_ids``."""
    if not replay_all and not event_ids:
        raise ValueError("name the event ids to replay, or replay all")
    wanted = set(event_ids)
    dlq_topic = dlq_topic_of(topic)
    async with open_dlq(bootstrap_servers, dlq_topic, replay_group_of(dlq_topic)) as dlq:
        start = await dlq.committed()
        records = await dlq.read(start)
        chosen = [r for r in records if replay_all or DeadLetterInfo.of(r).event_id in wanted]
        await _republish(bootstrap_servers, chosen)
        await dlq.commit(_replayed_prefix(start, records, chosen))
    found = {DeadLetterInfo.of(record).event_id for record in chosen}
    return ReplayReport(
        replayed=[DeadLetterInfo.of(record, replayed=True) for record in chosen],
        not_found=sorted(wanted - found),
    )


async def _republish(bootstrap_servers: str, records: list[Any]) -> None:
    """Produce each record to its original topic as it was consumed (no ``x-dlq-*`` headers)."""
    if not records:
        return
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await producer.start()
    try:
        acks = [
            await producer.send(
                DeadLetterInfo.of(record).topic,
                value=record.value,
                key=record.key,
                headers=original_headers(record),
            )
            for record in records
        ]
        await asyncio.gather(*acks)
    finally:
        await producer.stop()


def _replayed_prefix(
    start: dict[TopicPartition, int], records: list[Any], chosen: list[Any]
) -> dict[TopicPartition, int]:
    """Per partition, the offset after the leading run of replayed records (see module doc)."""
    chosen_ids = {id(record) for record in chosen}
    by_partition: dict[TopicPartition, list[Any]] = defaultdict(list)
    for record in records:
        by_partition[TopicPartition(record.topic, record.partition)].append(record)
    offsets: dict[TopicPartition, int] = {}
    for tp, partition_records in by_partition.items():
        position = start.get(tp, 0)
        for record in sorted(partition_records, key=lambda r: r.offset):
            if id(record) not in chosen_ids:
                break
            position = record.offset + 1
        if position > start.get(tp, 0):
            offsets[tp] = position
    return offsets
