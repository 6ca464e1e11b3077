"""``newsroom-dlq list``: the dead letters of a topic, oldest first."""

from __future__ import annotations

from aiokafka import TopicPartition

from newsroom_shared.dlq.reader import open_dlq
from newsroom_shared.dlq.records import DeadLetterInfo, dlq_topic_of, replay_group_of


async def list_dead_letters(
    topic: str,
    *,
    bootstrap_servers: str,
    limit: int | None = None,
    pending_only: bool = False,
) -> list[DeadLetterInfo]:
    """Dead letters of ``topic`` (or of the DLQ topic named), each marked replayed or not.

    ``limit`` keeps the oldest ``limit``; ``pending_only`` skips those already replayed.
    """
    dlq_topic = dlq_topic_of(topic)
    async with open_dlq(bootstrap_servers, dlq_topic, replay_group_of(dlq_topic)) as dlq:
        replayed_below = await dlq.committed()
        records = await dlq.read(replayed_below if pending_only else {})
    letters = [
        DeadLetterInfo.of(
            record,
            replayed=record.offset
            < replayed_below.get(TopicPartition(record.topic, record.partition), 0),
        )
        for record in records
    ]
    return letters[:limit] if limit is not None else letters
