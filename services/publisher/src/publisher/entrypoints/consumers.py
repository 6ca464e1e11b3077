"""Kafka consumers: media events keep the media refs of releases up to date.

Each handler runs inside the shared consumer's inbox transaction, so a redelivered event is
skipped and an applied one is recorded with its effect.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.consumer import OFF_PATH_FETCH_WAIT_MS, EventHandler, subscribe
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.events.media import MediaDeleted, MediaProcessed, MediaRejected
from publisher.bootstrap import Publisher
from publisher.service import media

MEDIA_EVENTS: dict[str, type[MediaProcessed | MediaRejected | MediaDeleted]] = {
    "publisher.media-processed": MediaProcessed,
    "publisher.media-rejected": MediaRejected,
    "publisher.media-deleted": MediaDeleted,
}


def media_handler(publisher: Publisher) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        event = received.data
        assert isinstance(event, MediaProcessed | MediaRejected | MediaDeleted)
        await media.on_media_event(publisher.joined(session), publisher.deps, event)

    return apply


def register_consumers(broker: KafkaBroker, publisher: Publisher) -> None:
    handler = media_handler(publisher)
    for name, event_class in MEDIA_EVENTS.items():
        subscribe(
            broker,
            event_class=event_class,
            handler=handler,
            db=publisher.runtime.db,
            name=name,
            settings=publisher.settings,
            fetch_max_wait_ms=OFF_PATH_FETCH_WAIT_MS,  # media facts: no one waits on them
        )
