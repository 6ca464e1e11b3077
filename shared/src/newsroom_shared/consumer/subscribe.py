"""Registering an event handler on a FastStream Kafka broker.

INTERFACE STUB (to be implemented).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.config import ServiceSettings
from newsroom_shared.events.base import Event
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.mongo import Database

EventHandler = Callable[[AsyncClientSession, ReceivedEvent], Awaitable[None]]
"""Applies one event inside the transaction that also records its id (so it applies once)."""


def subscribe(
    broker: KafkaBroker,
    *,
    event_class: type[Event],
    handler: EventHandler,
    db: Database,
    name: str,
    settings: ServiceSettings,
) -> Any:
    """Subscribe ``handler`` to ``event_class.topic`` in the service's consumer group.

    - Messages are consumed in batches; offsets are committed only after the batch is done.
    - Each message is parsed with :func:`newsroom_shared.events.envelope.parse`; an
      ``InvalidEvent`` goes to ``<topic>.dlq`` at once.
    - Events whose id the inbox (collection ``inbox``, key ``(name, event id)``, TTL) already holds
      are skipped; the rest are applied in one transaction together with their inbox records.
    - A :class:`PermanentError` sends that event to the DLQ; any other error is retried with
      exponential backoff (``settings.retry_*``); when retries are exhausted the batch is applied
      one event at a time so only the failing event goes to the DLQ; the consumer moves on.
    - Dead letters keep key, value and headers and add ``x-dlq-*`` headers with the reason.
    """
    raise NotImplementedError
