"""What the publisher knows about media items, from the media service's events.

Kept per (tenant, media id) so a release that references an item later still shows its state,
and so late or reordered events (processed and rejected travel on different topics) never
overwrite newer news: the item's own event time decides, and a deletion is final.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from publisher.domain.content import MediaRef, MediaState


@dataclass(frozen=True, slots=True)
class ImageSource:
    """One web rendition of an image: a candidate of the page's ``srcset``."""

    url: str
    content_type: str
    width: int


@dataclass(frozen=True, slots=True)
class MediaDetails:
    """What a processed item looks like, from MediaProcessed: enough to show it as an image (on
    social cards, and in the release page's gallery)."""

    kind: str  # image, video, document
    content_type: str
    url: str  # the social-card rendition's when there is one, else the original's
    alt_text: str = ""
    width: int | None = None
    height: int | None = None
    original_url: str = ""  # the uploaded file itself (a download); "" in records made before
    sources: tuple[ImageSource, ...] = ()  # web renditions, not cropped, narrowest first
    decorative: bool = False
    caption: str = ""
    credit: str = ""
    licence: str = ""
    blurhash: str | None = None
    original_width: int | None = None
    original_height: int | None = None

    def sources_of(self, content_type: str) -> tuple[ImageSource, ...]:
        return tuple(s for s in self.sources if s.content_type == content_type)

    @property
    def shown(self) -> ImageSource | None:
        """The largest JPEG rendition: the gallery's ``src`` (every browser shows JPEG)."""
        jpegs = self.sources_of("image/jpeg")
        return jpegs[-1] if jpegs else None

    @property
    def is_image(self) -> bool:
        return self.kind == "image" and self.content_type.startswith("image/")


class MediaFact(StrEnum):
    PROCESSED = "processed"
    REJECTED = "rejected"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class MediaItem:
    tenant_id: str
    media_id: str
    fact: MediaFact
    happened_at: datetime  # the media service's time of the fact
    updated_at: datetime  # our time of recording it
    details: MediaDetails | None = None  # set for processed items only

    def supersedes(self, previous: MediaItem | None) -> bool:
        """Whether this news replaces ``previous`` (newer, and nothing overrides a deletion)."""
        if previous is None:
            return True
        if previous.fact is MediaFact.DELETED:
            return False
        if self.fact is MediaFact.DELETED or self.happened_at > previous.happened_at:
            return True
        return self.happened_at == previous.happened_at and self.fact is not previous.fact

    def as_ref(self) -> MediaRef | None:
        """The ref state releases show, or ``None`` for a deleted item (refs are dropped)."""
        if self.fact is MediaFact.DELETED:
            return None
        state = MediaState.READY if self.fact is MediaFact.PROCESSED else MediaState.REJECTED
        return MediaRef(media_id=self.media_id, state=state, updated_at=self.updated_at)

    def shown_image(self) -> MediaDetails | None:
        """The item as an image others may show, or ``None`` (not processed, not an image, or
        not at a public https URL: consumers must never get a broken or insecure link)."""
        details = self.details
        if self.fact is not MediaFact.PROCESSED or details is None or not details.is_image:
            return None
        return details if details.url.startswith("https://") else None


@dataclass(frozen=True, slots=True)
class UnpublishableMedia:
    """A media item that keeps its release from going public, and why (for the 422)."""

    media_id: str
    reason: str


def unpublishable_media(
    media_ids: Sequence[str], items: Mapping[str, MediaItem]
) -> list[UnpublishableMedia]:
    """The items of ``media_ids`` a public release may not show yet, in the release's order.

    A release goes public only with media the media service has processed (else its page would
    show a hole), none it rejected, and every image described: alt text, or marked decorative
    (a screen reader then skips it). Documents and videos need no alt text.
    """
    found = []
    for media_id in media_ids:
        reason = _unpublishable_because(items.get(media_id))
        if reason:
            found.append(UnpublishableMedia(media_id, reason))
    return found


def _unpublishable_because(item: MediaItem | None) -> str:
    if item is None:
        return "is still being processed by the media service; publish once it is ready"
    if item.fact is MediaFact.REJECTED:
        return "was rejected by the media service; remove it from the release's media_ids"
    details = item.details
    if item.fact is not MediaFact.PROCESSED or details is None:
        return "is not available"  # deleted: releases drop such refs as the event arrives
    if details.kind == "image" and not details.decorative and not details.alt_text.strip():
        return "has no alt text; describe it (alt_text) or mark it decorative in the media service"
    return ""


def logo_problem(item: MediaItem | None) -> str:
    """Why ``item`` (looked up in the newsroom's own tenant) cannot be its logo; "" if it can.

    As for a release at publishing: only what the media service processed, so an id the
    publisher has not heard of (still processing, or another tenant's) is refused too.
    """
    if item is None:
        return (
            "is not a processed media item of this tenant; set it once the media service "
            "has processed it"
        )
    if item.fact is MediaFact.REJECTED:
        return "was rejected by the media service"
    if item.fact is not MediaFact.PROCESSED or item.details is None:
        return "is not available"
    if not item.details.is_image or item.details.shown is None:
        return "is not an image with web renditions"
    return ""


def logo_image(item: MediaItem | None) -> MediaDetails | None:
    """The logo as pages show it: a processed image with web renditions, else none (deleted,
    rejected or not processed yet: the masthead shows the name alone)."""
    if item is None or logo_problem(item):
        return None
    return item.details
