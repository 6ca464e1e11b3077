"""Every event contract of the system, and lookups by topic and by CloudEvents type."""

from __future__ import annotations

from newsroom_shared.events.base import Event
from newsroom_shared.events.comments import CommentEdited, CommentModerated, CommentPosted
from newsroom_shared.events.distribution import DeliveryFailed, DeliverySucceeded
from newsroom_shared.events.listening import (
    MentionDetected,
    MentionSpike,
    MentionUpdated,
    PostFetched,
)
from newsroom_shared.events.media import (
    GalleryDeleted,
    GalleryUpdated,
    MediaDeleted,
    MediaProcessed,
    MediaRejected,
    MediaUploaded,
)
from newsroom_shared.events.publisher import (
    ApiKeyIssued,
    ApiKeyRevoked,
    NewsroomCreated,
    NewsroomUpdated,
    ReleaseEmbargoed,
    ReleasePublished,
    ReleaseUpdated,
    ReleaseWithdrawn,
)

# Grouped by producing service. A new contract goes here, and its schema is committed with
# `python -m newsroom_shared.events.schema_tool write` (the tests check both).
ALL_EVENTS: tuple[type[Event], ...] = (
    ReleasePublished,
    ReleaseEmbargoed,
    ReleaseUpdated,
    ReleaseWithdrawn,
    ApiKeyIssued,
    ApiKeyRevoked,
    NewsroomCreated,
    NewsroomUpdated,
    MediaUploaded,
    MediaProcessed,
    MediaRejected,
    MediaDeleted,
    GalleryUpdated,
    GalleryDeleted,
    CommentPosted,
    CommentModerated,
    CommentEdited,
    DeliverySucceeded,
    DeliveryFailed,
    MentionDetected,
    MentionUpdated,
    MentionSpike,
    PostFetched,
)

PRODUCERS: dict[str, str] = {
    "newsroom_shared.events.publisher": "publisher",
    "newsroom_shared.events.media": "media",
    "newsroom_shared.events.comments": "comments",
    "newsroom_shared.events.distribution": "distribution",
    "newsroom_shared.events.listening": "listening",
}

_BY_TOPIC = {event.topic: event for event in ALL_EVENTS}
_BY_TYPE = {event.ce_type: event for event in ALL_EVENTS}


class UnknownEventError(LookupError):
    """No contract is registered for this topic or CloudEvents type."""


def event_for_topic(topic: str) -> type[Event]:
    """The contract of the events on ``topic``; raises :class:`UnknownEventError`."""
    try:
        return _BY_TOPIC[topic]
    except KeyError:
        raise UnknownEventError(f"no event contract for topic {topic!r}") from None


def event_for_type(ce_type: str) -> type[Event]:
    """The contract of CloudEvents type ``ce_type``; raises :class:`UnknownEventError`."""
    try:
        return _BY_TYPE[ce_type]
    except KeyError:
        raise UnknownEventError(f"no event contract for CloudEvents type {ce_type!r}") from None


def producer_of(event: type[Event]) -> str:
    """The service that produces ``event`` (the module its contract lives in says so)."""
    return PRODUCERS[event.__module__]
