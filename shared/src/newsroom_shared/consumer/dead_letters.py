"""Dead letters: a message that cannot be applied goes to ``<topic>.dlq``, with the reason.

The dead letter keeps the original key, value and headers, so replaying it (see
:mod:`newsroom_shared.dlq`) re-publishes exactly what was consumed, and adds ``x-dlq-*`` headers
that say what went wrong, where and when. Produced through the service's FastStream broker, so the
producer's lifecycle is the broker's (started and stopped in the service's lifespan).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from faststream.kafka import KafkaBroker

from newsroom_shared.consumer.errors import ConsumerUnavailableError
from newsroom_shared.consumer.metrics import ReasonKind, count_dead_letter
from newsroom_shared.consumer.retry import RetryPolicy
from newsroom_shared.events.envelope import header_map

logger = logging.getLogger(__name__)

DLQ_SUFFIX = ".dlq"
DLQ_HEADER_PREFIX = "x-dlq-"
REASON_MAX_CHARS = 1000
"""Long enough for a pydantic validation summary, short enough for a Kafka header."""


def dlq_topic(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One consumed message that cannot be applied, and why."""

    record: Any
    """The consumed ``aiokafka.ConsumerRecord`` (topic, partition, offset, key, value, headers)."""
    reason_kind: ReasonKind
    error: BaseException
    attempts: int

    @property
    def attributes(self) -> dict[str, str]:
        """The original headers as text (``ce_id``, ``ce_tenantid``, ... when present)."""
        return header_map(self.record.headers)

    @property
    def event_id(self) -> str:
        return self.attributes.get("ce_id", "")

    @property
    def tenant_id(self) -> str:
        return self.attributes.get("ce_tenantid", "")

    @property
    def reason(self) -> str:
        text = str(self.error) or type(self.error).__name__
        if len(text) <= REASON_MAX_CHARS:
            return text
        return text[: REASON_MAX_CHARS - 1] + "…"


def dead_letter_headers(letter: DeadLetter, consumer: str, failed_at: datetime) -> dict[str, str]:
    """Original headers plus the ``x-dlq-*`` ones (earlier ``x-dlq-*`` headers are replaced)."""
    record = letter.record
    # As text: the broker's producer takes str headers (a binary value gets U+FFFD, a null one "").
    original = {
        name: (value or b"").decode(errors="replace")
        for name, value in record.headers
        if not name.lower().startswith(DLQ_HEADER_PREFIX)
    }
    return {
        **original,
        "x-dlq-reason": letter.reason,
        "x-dlq-error": type(letter.error).__name__,
        "x-dlq-topic": record.topic,
        "x-dlq-partition": str(record.partition),
        "x-dlq-offset": str(record.offset),
        "x-dlq-consumer": consumer,
        "x-dlq-attempts": str(letter.attempts),
        "x-dlq-failed-at": failed_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }


class DeadLetterPublisher:
    """Produces dead letters (retrying with backoff), then logs and counts each one."""

    def __init__(
        self,
        broker: KafkaBroker,
        consumer: str,
        policy: RetryPolicy,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._broker = broker
        self._consumer = consumer
        self._policy = policy
        self._clock = clock or (lambda: datetime.now(UTC))

    async def publish(self, letters: Sequence[DeadLetter]) -> None:
        """Produce every letter and wait for the acks; ConsumerUnavailableError if it cannot."""
        if not letters:
            return
        failures = 0
        while True:
            try:
                await self._produce(letters)
                break
            except Exception as error:
                failures += 1
                if failures >= self._policy.max_attempts:
                    message = f"cannot produce dead letters: {error!r}"
                    raise ConsumerUnavailableError(message) from error
                await asyncio.sleep(self._policy.delay(failures))
        for letter in letters:
            self._report(letter)

    async def _produce(self, letters: Sequence[DeadLetter]) -> None:
        failed_at = self._clock()
        # no_confirm: queue every letter, then wait for all acks at once (one round trip).
        pending = [
            await self._broker.publish(
                letter.record.value,
                dlq_topic(letter.record.topic),
                key=letter.record.key,
                headers=dead_letter_headers(letter, self._consumer, failed_at),
                correlation_id=letter.attributes.get("correlation_id") or letter.event_id or None,
                no_confirm=True,
            )
            for letter in letters
        ]
        # The in-memory test broker delivers at once and returns no future.
        await asyncio.gather(*(ack for ack in pending if isinstance(ack, asyncio.Future)))

    def _report(self, letter: DeadLetter) -> None:
        record = letter.record
        count_dead_letter(record.topic, self._consumer, letter.reason_kind)
        logger.warning(
            "dead letter: event %s of tenant %s from %s[%s]@%s went to %s (%s: %s)",
            letter.event_id or "?",
            letter.tenant_id or "?",
            record.topic,
            record.partition,
            record.offset,
            dlq_topic(record.topic),
            type(letter.error).__name__,
            letter.reason,
            extra={
                "event_id": letter.event_id,
                "tenant_id": letter.tenant_id,
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "consumer": self._consumer,
                "reason_kind": letter.reason_kind,
                "attempts": letter.attempts,
            },
        )
