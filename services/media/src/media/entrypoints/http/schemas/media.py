"""Media items as the API shows them, and the change of their describing fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from media.domain.item import MediaItem
from media.domain.renditions import StoredFile
from media.service.ports import Links
from newsroom_shared.patterns import NOT_BLANK_PATTERN

LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
Tag = Annotated[str, Field(min_length=1, max_length=50, pattern=NOT_BLANK_PATTERN)]


class FileOut(BaseModel):
    name: str = Field(
        description="`original` (as uploaded: served to staff only), `public_original` (the "
        "original without personal metadata; not made for a PDF: what public routes, signed "
        "links and press kits give, where it is named `original`), or a rendition: thumbnail, "
        "web, social_card (JPEG; of a video its poster frame, of a PDF its first page) and "
        "each with `_webp` (WebP) and `_avif` (AVIF); a video's `playable` (H.264/AAC MP4) "
        "when the upload does not play in browsers"
    )
    url: str = Field(description="Content-addressed: what it names never changes")
    content_type: str
    bytes: int
    width: int | None = None
    height: int | None = None

    @classmethod
    def of(
        cls, item: MediaItem, file: StoredFile, links: Links, name: str | None = None
    ) -> FileOut:
        return cls(
            name=name or file.name,
            url=links.file_url(item, file),
            content_type=file.content_type,
            bytes=file.bytes,
            width=file.width,
            height=file.height,
        )


class MediaOut(BaseModel):
    id: str
    kind: str = Field(description="image, video or document")
    content_type: str = Field(description="Told by the content, not the name")
    filename: str
    status: str = Field(description="uploaded (renditions being made), processed or rejected")
    reason: str | None = Field(default=None, description="Why it was rejected")
    width: int | None = None
    height: int | None = None
    blurhash: str | None = None
    duration_s: float | None = Field(default=None, description="A video's duration")
    video_codec: str | None = Field(default=None, description="A video's codec as uploaded")
    audio_codec: str | None = Field(default=None, description="A video's sound codec, if any")
    playable_url: str | None = Field(
        default=None,
        description="A video's file browsers play: the `playable` rendition, or the public "
        "original when the upload is an H.264/AAC MP4 already",
    )
    title: str
    caption: str
    alt_text: str
    credit: str
    licence: str
    tags: list[str]
    language: str | None
    decorative: bool
    files: list[FileOut] = Field(description="The original and, once processed, its renditions")
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, item: MediaItem, links: Links) -> MediaOut:
        fields = item.fields
        return cls(
            id=item.media_id,
            kind=item.kind.value,
            content_type=item.content_type,
            filename=item.filename,
            status=item.status.value,
            reason=item.reason,
            width=item.width,
            height=item.height,
            blurhash=item.blurhash,
            duration_s=None if item.video is None else item.video.duration_s,
            video_codec=None if item.video is None else item.video.video_codec,
            audio_codec=None if item.video is None else item.video.audio_codec,
            playable_url=_url(item, item.playable, links),
            title=fields.title,
            caption=fields.caption,
            alt_text=fields.alt_text,
            credit=fields.credit,
            licence=fields.licence,
            tags=list(fields.tags),
            language=fields.language,
            decorative=fields.decorative,
            files=[] if item.reason else [FileOut.of(item, f, links) for f in item.files],
            created_at=item.created_at,
            updated_at=item.updated_at,
            version=item.version,
        )


def _url(item: MediaItem, file: StoredFile | None, links: Links) -> str | None:
    return None if file is None or item.reason else links.file_url(item, file)


class MediaUpdate(BaseModel):
    """The fields to change; those left out keep their value."""

    # Strict: 0 is not false, "1" is not a tag count; what the schema says is what is taken.
    model_config = ConfigDict(extra="forbid", strict=True)

    title: str | None = Field(default=None, max_length=300)
    caption: str | None = Field(default=None, max_length=2000)
    alt_text: str | None = Field(
        default=None, max_length=1000, description="What the image shows, for screen readers"
    )
    credit: str | None = Field(default=None, max_length=300)
    licence: str | None = Field(
        default=None, max_length=500, description='Usage terms, e.g. "free for editorial use"'
    )
    tags: list[Tag] | None = Field(default=None, max_length=30)
    language: str | None = Field(
        default=None, min_length=2, max_length=35, pattern=LANGUAGE_PATTERN, examples=["en"]
    )
    decorative: bool | None = Field(
        default=None, description="The image needs no alt text (purely decorative)"
    )

    def changes(self) -> dict[str, Any]:
        """Only what was sent and is not null (null would clear nothing useful: send "")."""
        return {k: v for k, v in self.model_dump(exclude_unset=True).items() if v is not None}
