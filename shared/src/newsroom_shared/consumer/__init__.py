"""Consuming events: contract validation, idempotency, retries with backoff, dead letters."""

from newsroom_shared.consumer.errors import PermanentError
from newsroom_shared.consumer.subscribe import EventHandler, subscribe

__all__ = ["EventHandler", "PermanentError", "subscribe"]
