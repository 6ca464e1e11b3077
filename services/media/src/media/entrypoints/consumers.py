"""What media consumes: the publisher's release events keep the read model deciding who may
fetch which media (public, staff-only, withdrawn); its key events the replica of the staff API
keys.

Each handler runs inside the shared consumer's inbox transaction, so a redelivered event is
skipped and a malformed one goes to the dead-letter topic. The app factory registers this
table; the event docs list it (``docs/events.md``, ``docs/asyncapi.yaml``).
"""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession

from media.bootstrap import Media
from media.service.logos import newsroom_changed
from media.service.releases import ReleaseEvent, release_changed
from newsroom_shared.auth import api_key_subscriptions
from newsroom_shared.consumer import EventHandler
from newsroom_shared.consumer.table import Subscription
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.events.publisher import (
    NewsroomCreated,
    NewsroomUpdated,
    ReleaseEmbargoed,
    ReleasePublished,
    ReleaseUpdated,
    ReleaseWithdrawn,
)


def release_handler(media: Media) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        event = received.data
        assert isinstance(event, ReleaseEvent)
        await release_changed(media.joined(session), event)

    return apply


def newsroom_handler(media: Media) -> EventHandler:
    async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
        event = received.data
        assert isinstance(event, NewsroomCreated | NewsroomUpdated)
        await newsroom_changed(media.joined(session), event)

    return apply


SUBSCRIPTIONS: list[Subscription[Media]] = [
    Subscription(
        "media.release-published",
        ReleasePublished,
        release_handler,
        purpose="makes the release's media public (their plain URLs, its gallery, press kit)",
        # Social networks and readers fetch the image the event names as soon as it is out.
        on_publish_path=True,
    ),
    Subscription(
        "media.release-embargoed",
        ReleaseEmbargoed,
        release_handler,
        purpose="keeps the release's media behind signed links until the lift",
    ),
    Subscription(
        "media.release-updated",
        ReleaseUpdated,
        release_handler,
        purpose="follows the media a corrected release names",
        on_publish_path=True,
    ),
    Subscription(
        "media.release-withdrawn",
        ReleaseWithdrawn,
        release_handler,
        purpose="stops serving the release's media to the public (410)",
    ),
    Subscription(
        "media.newsroom-created",
        NewsroomCreated,
        newsroom_handler,
        purpose="makes the newsroom's logo public (its pages show it to everyone)",
    ),
    Subscription(
        "media.newsroom-updated",
        NewsroomUpdated,
        newsroom_handler,
        purpose="follows the newsroom's logo: the new one public, a replaced one no longer",
    ),
    *api_key_subscriptions(lambda media: media.keys),
]
