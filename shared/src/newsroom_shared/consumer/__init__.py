"""Consuming events: contract validation, idempotency, retries with backoff, dead letters."""

from newsroom_shared.consumer.batch import BatchProcessor, BatchResult
from newsroom_shared.consumer.dead_letters import DeadLetter, DeadLetterPublisher, dlq_topic
from newsroom_shared.consumer.errors import ConsumerUnavailableError, PermanentError
from newsroom_shared.consumer.inbox import Inbox
from newsroom_shared.consumer.retry import RetryPolicy
from newsroom_shared.consumer.subscribe import (
    EventHandler,
    EventsHandler,
    subscribe,
)

__all__ = [
    "BatchProcessor",
    "BatchResult",
    "ConsumerUnavailableError",
    "DeadLetter",
    "DeadLetterPublisher",
    "EventHandler",
    "EventsHandler",
    "Inbox",
    "PermanentError",
    "RetryPolicy",
    "dlq_topic",
    "subscribe",
]
