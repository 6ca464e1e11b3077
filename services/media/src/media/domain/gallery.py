"""A gallery: an ordered, captioned set of a tenant's media items, perhaps a release's.

A release has at most one gallery (the one its public page and press kit show). The order is
the staff's; a caption belongs to the item's place in this gallery (the item's own caption is
what it says anywhere else).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from media.domain.errors import InvalidInputError, MediaNotFoundError

MAX_ITEMS = 200
MAX_CAPTION = 2000
MAX_TITLE = 300


@dataclass(frozen=True, slots=True)
class GalleryItem:
    media_id: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Gallery:
    tenant_id: str
    gallery_id: str
    title: str
    release_id: str | None
    items: tuple[GalleryItem, ...]
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @property
    def media_ids(self) -> tuple[str, ...]:
        return tuple(item.media_id for item in self.items)

    def with_items(self, items: Sequence[GalleryItem], now: datetime) -> Gallery:
        return self._next(now, items=checked_items(items))

    def reordered(self, media_ids: Sequence[str], now: datetime) -> Gallery:
        """The same items in the order given: every item once, no other."""
        if sorted(media_ids) != sorted(self.media_ids):
            raise InvalidInputError(
                "media_ids must name every item of the gallery once, in the new order",
                code="not_a_reordering",
            )
        by_id = {item.media_id: item for item in self.items}
        return self._next(now, items=tuple(by_id[media_id] for media_id in media_ids))

    def captioned(self, media_id: str, caption: str, now: datetime) -> Gallery:
        if media_id not in self.media_ids:
            raise MediaNotFoundError(f"No item {media_id} in this gallery")
        items = tuple(
            GalleryItem(i.media_id, caption) if i.media_id == media_id else i for i in self.items
        )
        return self._next(now, items=items)

    def described(self, title: str, release_id: str | None, now: datetime) -> Gallery:
        return self._next(now, title=title, release_id=release_id)

    def _next(self, now: datetime, **changes: object) -> Gallery:
        return replace(self, updated_at=now, version=self.version + 1, **changes)  # type: ignore[arg-type]


def checked_items(items: Sequence[GalleryItem]) -> tuple[GalleryItem, ...]:
    if len(items) > MAX_ITEMS:
        raise InvalidInputError(f"a gallery holds at most {MAX_ITEMS} items", code="too_many")
    ids = [item.media_id for item in items]
    repeated = sorted({media_id for media_id in ids if ids.count(media_id) > 1})
    if repeated:
        raise InvalidInputError(
            f"an item may be in a gallery once: {', '.join(repeated)}", code="duplicate_item"
        )
    return tuple(items)
