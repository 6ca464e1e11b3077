"""Events produced by the media service: uploads and their renditions, galleries."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from newsroom_shared.events.base import Event

MediaKind = Literal["image", "video", "document"]


class Rendition(BaseModel):
    """One derived file of a media item (a thumbnail, a social card, a web-sized video)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    content_type: str
    url: str
    width: int | None = None
    height: int | None = None
    bytes: int = Field(ge=0)


class MediaUploaded(Event):
    """An upload was stored after its content passed the checks; its renditions come next
    (``MediaProcessed``), or ``MediaRejected`` if it turns out not to decode."""

    topic: ClassVar[str] = "newsroom.media.uploaded.v1"
    ce_type: ClassVar[str] = "io.newsroom.media.uploaded.v1"
    aggregate_field: ClassVar[str] = "media_id"

    media_id: str
    kind: MediaKind
    content_type: str = Field(description="Told by the content (magic bytes), never the name")
    filename: str
    bytes: int = Field(ge=0)
    uploaded_at: datetime


class MediaProcessed(Event):
    """An upload passed validation and its renditions are ready.

    Sent again, with a later ``processed_at``, when staff change the item's describing fields
    (alt text, caption, credit...): ``processed_at`` is the time of this description.
    """

    topic: ClassVar[str] = "newsroom.media.processed.v1"
    ce_type: ClassVar[str] = "io.newsroom.media.processed.v1"
    aggregate_field: ClassVar[str] = "media_id"

    media_id: str
    kind: MediaKind
    content_type: str
    filename: str
    url: str = Field(
        description="The original as the public gets it: without personal metadata (EXIF GPS, "
        "camera serials, XMP, a video's location, an Office file's authors; a PDF as "
        "uploaded); also the `original` entry of `renditions`"
    )
    alt_text: str = ""
    renditions: list[Rendition] = Field(default_factory=list)
    processed_at: datetime
    width: int | None = Field(default=None, description="The original's width in pixels")
    height: int | None = Field(default=None, description="The original's height in pixels")
    blurhash: str | None = Field(default=None, description="A BlurHash placeholder of the image")
    decorative: bool = Field(
        default=False, description="Marked as needing no alt text (purely decorative)"
    )
    caption: str = ""
    credit: str = ""
    licence: str = Field(default="", description="Usage terms, e.g. free for editorial use")
    duration_s: float | None = Field(default=None, ge=0, description="A video's duration")
    video_codec: str | None = Field(
        default=None, description="A video's codec as uploaded (ffmpeg's name: h264, vp9...)"
    )
    audio_codec: str | None = Field(
        default=None, description="A video's sound codec as uploaded; None: no sound"
    )
    playable_url: str | None = Field(
        default=None,
        description="A video's file every browser plays (H.264/AAC MP4, moov first): the "
        "`playable` rendition, or the public original (remuxed without metadata) when the "
        "upload is one already",
    )


class MediaRejected(Event):
    """An upload failed validation (wrong content, too large, unreadable)."""

    topic: ClassVar[str] = "newsroom.media.rejected.v1"
    ce_type: ClassVar[str] = "io.newsroom.media.rejected.v1"
    aggregate_field: ClassVar[str] = "media_id"

    media_id: str
    reason: str
    rejected_at: datetime


class MediaDeleted(Event):
    """A media item was deleted; releases referring to it must drop it."""

    topic: ClassVar[str] = "newsroom.media.deleted.v1"
    ce_type: ClassVar[str] = "io.newsroom.media.deleted.v1"
    aggregate_field: ClassVar[str] = "media_id"

    media_id: str
    deleted_at: datetime


class GalleryPlace(BaseModel):
    """One place of a gallery: the item shown there and the caption it has in this gallery."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    media_id: str
    caption: str = Field(default="", description="The caption of this place (may be empty)")


class GalleryUpdated(Event):
    """A gallery was created or changed (its items, their order or captions, its title, or the
    release it belongs to): the whole gallery as it is now.

    ``version`` rises with every change of the gallery: a consumer keeps the highest it has
    seen and ignores older ones. A release has at most one gallery at a time; a gallery moved
    to another release (or to none) leaves its former release without one.
    """

    topic: ClassVar[str] = "newsroom.gallery.updated.v1"
    ce_type: ClassVar[str] = "io.newsroom.gallery.updated.v1"
    aggregate_field: ClassVar[str] = "gallery_id"

    gallery_id: str
    release_id: str | None = Field(
        default=None, description="The release whose gallery it is; None: no release's"
    )
    title: str = ""
    version: int = Field(ge=1)
    items: list[GalleryPlace] = Field(
        default_factory=list, description="The gallery's items, in the staff's order"
    )
    updated_at: datetime


class GalleryDeleted(Event):
    """A gallery was deleted (its items stay): its release, if any, has none now."""

    topic: ClassVar[str] = "newsroom.gallery.deleted.v1"
    ce_type: ClassVar[str] = "io.newsroom.gallery.deleted.v1"
    aggregate_field: ClassVar[str] = "gallery_id"

    gallery_id: str
    release_id: str | None = None
    version: int = Field(ge=1, description="Higher than any GalleryUpdated of the gallery")
    deleted_at: datetime
