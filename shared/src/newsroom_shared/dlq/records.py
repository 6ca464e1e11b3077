"""What a dead letter says about itself, read from its headers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from newsroom_shared.consumer.dead_letters import DLQ_HEADER_PREFIX, DLQ_SUFFIX
from newsroom_shared.events.envelope import header_map


def dlq_topic_of(topic: str) -> str:
    """The DLQ topic for ``topic`` (either name may be given)."""
    return topic if topic.endswith(DLQ_SUFFIX) else f"{topic}{DLQ_SUFFIX}"


def replay_group_of(dlq_topic: str) -> str:
    """The consumer group whose committed offsets mark what was replayed from ``dlq_topic``."""
    return f"newsroom-dlq-replay.{dlq_topic}"


def original_headers(record: Any) -> list[tuple[str, bytes]]:
    """The headers the message had before it was dead-lettered (bytes kept as they were)."""
    return [
        (name, value)
        for name, value in record.headers
        if not name.lower().startswith(DLQ_HEADER_PREFIX)
    ]


@dataclass(frozen=True, slots=True)
class DeadLetterInfo:
    """One dead letter: where it sits in the DLQ, which event it was, and why it failed."""

    partition: int
    offset: int
    key: str | None
    event_id: str
    type: str
    tenant_id: str
    reason: str
    error: str
    failed_at: str
    topic: str
    consumer: str
    attempts: int
    replayed: bool

    @classmethod
    def of(cls, record: Any, *, replayed: bool = False) -> DeadLetterInfo:
        headers = header_map(record.headers)
        dlq_topic: str = record.topic
        return cls(
            partition=record.partition,
            offset=record.offset,
            key=record.key.decode(errors="replace") if record.key is not None else None,
            event_id=headers.get("ce_id", ""),
            type=headers.get("ce_type", ""),
            tenant_id=headers.get("ce_tenantid", ""),
            reason=headers.get("x-dlq-reason", ""),
            error=headers.get("x-dlq-error", ""),
            failed_at=headers.get("x-dlq-failed-at", ""),
            topic=headers.get("x-dlq-topic") or dlq_topic.removesuffix(DLQ_SUFFIX),
            consumer=headers.get("x-dlq-consumer", ""),
            attempts=int(headers.get("x-dlq-attempts") or 0),
            replayed=replayed,
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
