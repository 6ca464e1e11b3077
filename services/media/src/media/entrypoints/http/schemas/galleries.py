"""Galleries as the API takes and shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from media.domain.gallery import MAX_CAPTION, MAX_ITEMS, MAX_TITLE, Gallery, GalleryItem
from media.entrypoints.http.schemas.media import FileOut
from media.service.ports import Links
from media.service.public import ReleaseGallery
from newsroom_shared.patterns import NOT_BLANK_PATTERN

Id = Annotated[str, Field(min_length=1, max_length=100, pattern=NOT_BLANK_PATTERN)]
Title = Annotated[str, Field(min_length=1, max_length=MAX_TITLE, pattern=NOT_BLANK_PATTERN)]
Caption = Annotated[str, Field(max_length=MAX_CAPTION)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class GalleryItemIn(Strict):
    media_id: Id
    caption: Caption = ""

    def place(self) -> GalleryItem:
        return GalleryItem(self.media_id, self.caption)


Items = Annotated[list[GalleryItemIn], Field(max_length=MAX_ITEMS)]


class GalleryIn(Strict):
    title: Title
    release_id: Id | None = Field(
        default=None, description="The release it belongs to (one gallery per release)"
    )
    items: Items = Field(default_factory=list, description="In the order shown")


class GalleryUpdate(Strict):
    """Fields to change; `release_id: null` detaches it from its release."""

    title: Title | None = None
    release_id: Id | None = None


class ItemsIn(Strict):
    items: Items = Field(description="The whole list, in the order shown")


class OrderIn(Strict):
    media_ids: list[Id] = Field(
        max_length=MAX_ITEMS, description="Every item of the gallery once, in the new order"
    )


class CaptionIn(Strict):
    caption: Caption


class GalleryItemOut(BaseModel):
    media_id: str
    caption: str


class GalleryOut(BaseModel):
    id: str
    title: str
    release_id: str | None
    items: list[GalleryItemOut]
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, gallery: Gallery) -> GalleryOut:
        return cls(
            id=gallery.gallery_id,
            title=gallery.title,
            release_id=gallery.release_id,
            items=[GalleryItemOut(media_id=i.media_id, caption=i.caption) for i in gallery.items],
            created_at=gallery.created_at,
            updated_at=gallery.updated_at,
            version=gallery.version,
        )


class PublicItemOut(BaseModel):
    media_id: str
    caption: str = Field(description="The gallery's caption, else the item's own")
    alt_text: str
    decorative: bool
    credit: str
    licence: str
    width: int | None
    height: int | None
    blurhash: str | None
    files: list[FileOut]


class PublicGalleryOut(BaseModel):
    release_id: str
    title: str
    items: list[PublicItemOut]

    @classmethod
    def of(cls, found: ReleaseGallery, links: Links) -> PublicGalleryOut:
        items = []
        for shown in found.shown:
            item, fields = shown.item, shown.item.fields
            items.append(
                PublicItemOut(
                    media_id=item.media_id,
                    caption=shown.place.caption or fields.caption,
                    alt_text=fields.alt_text,
                    decorative=fields.decorative,
                    credit=fields.credit,
                    licence=fields.licence,
                    width=item.width,
                    height=item.height,
                    blurhash=item.blurhash,
                    files=[FileOut.of(item, f, links, name) for name, f in item.public_files],
                )
            )
        return cls(release_id=found.release.release_id, title=found.gallery.title, items=items)
