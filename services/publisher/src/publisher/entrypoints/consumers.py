"""What the publisher consumes: media events keep the media refs of releases up to date, and
gallery events the order and captions of release pages' pictures.

Each handler runs inside the shared consumer's inbox transaction, so a redelivered event is
skipped and an applied one is recorded with its effect. The app factory registers this table;
the event docs list it (``docs/events.md``, ``docs/asyncapi.yaml``).
"""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.consumer import EventHandler
from newsroom_shared.consumer.table import Subscription
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.events.media import (
    GalleryDeleted,
    GalleryUpdated,
    MediaDeleted,
    MediaProcessed,
    MediaRejected,
)
from publisher.bootstrap import Publisher
from publisher.service import galleries, media


def media_handler(publisher: Publisher) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        event = received.data
        assert isinstance(event, MediaProcessed | MediaRejected | MediaDeleted)
        await media.on_media_event(publisher.joined(session), publisher.deps, event)

    return apply


def gallery_handler(publisher: Publisher) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        event = received.data
        assert isinstance(event, GalleryUpdated | GalleryDeleted)
        await galleries.on_gallery_event(publisher.joined(session), event)

    return apply


SUBSCRIPTIONS: list[Subscription[Publisher]] = [
    Subscription(
        "publisher.media-processed",
        MediaProcessed,
        media_handler,
        purpose="records the item's renditions on the releases that use it",
    ),
    Subscription(
        "publisher.media-rejected",
        MediaRejected,
        media_handler,
        purpose="marks the item rejected on the releases that use it",
    ),
    Subscription(
        "publisher.media-deleted",
        MediaDeleted,
        media_handler,
        purpose="drops the item from the releases that use it",
    ),
    Subscription(
        "publisher.gallery-updated",
        GalleryUpdated,
        gallery_handler,
        purpose="shows the release's pictures in its gallery's order, with its captions",
    ),
    Subscription(
        "publisher.gallery-deleted",
        GalleryDeleted,
        gallery_handler,
        purpose="shows the release's pictures in the release's own order again",
    ),
]
