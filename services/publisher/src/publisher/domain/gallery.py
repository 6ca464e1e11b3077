"""What the publisher knows of a release's gallery, from the media service's gallery events.

The media service owns galleries: a release has at most one, its items in the staff's order,
each with a caption for its place. The release page shows them so. Kept per (tenant, gallery)
with the gallery's version: an older event (redelivered, or late across the two topics) never
overwrites newer news, and a deletion stays as a tombstone so no late update revives it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class GalleryPlace:
    media_id: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class KnownGallery:
    tenant_id: str
    gallery_id: str
    release_id: str | None  # None: no release's (or deleted)
    version: int
    places: tuple[GalleryPlace, ...]
    changed_at: datetime  # the media service's time of this version
    deleted: bool = False

    def supersedes(self, previous: KnownGallery | None) -> bool:
        """Whether this news replaces ``previous``: a higher version only."""
        return previous is None or self.version > previous.version


def current_gallery(candidates: Sequence[KnownGallery]) -> KnownGallery | None:
    """The release's gallery among those naming it: the media service lets one gallery name a
    release at a time, so when two do (one moved away, one moved in, their events not yet
    both here) the one changed last is the current one."""
    live = [g for g in candidates if not g.deleted]
    return max(live, key=lambda g: g.changed_at) if live else None


def in_gallery_order(
    media_ids: Sequence[str], gallery: KnownGallery | None
) -> list[tuple[str, str]]:
    """``media_ids`` (the release's) as its page shows them, each with its gallery caption
    ("": none, the item's own applies, as in the media service's press kit): first the
    gallery's items the release names, in the gallery's order, then the release's others in
    its own order. Without a gallery, the release's order."""
    if gallery is None:
        return [(media_id, "") for media_id in media_ids]
    named = set(media_ids)
    placed = [(p.media_id, p.caption) for p in gallery.places if p.media_id in named]
    in_gallery = {media_id for media_id, _ in placed}
    return [*placed, *((m, "") for m in media_ids if m not in in_gallery)]
