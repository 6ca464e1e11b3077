"""The events that describe an item to other services."""

from __future__ import annotations

from datetime import datetime

from media.domain.gallery import Gallery
from media.domain.item import MediaItem
from media.service.ports import Links
from newsroom_shared.events.media import (
    GalleryDeleted,
    GalleryPlace,
    GalleryUpdated,
    MediaProcessed,
    Rendition,
)


def processed_event(item: MediaItem, links: Links) -> MediaProcessed:
    fields = item.fields
    video, playable = item.video, item.playable
    # Only what the public may have: the original without personal metadata, named
    # ``original``. An item processed before those were made names its original, which
    # answers only staff.
    original = item.public_original or item.original
    return MediaProcessed(
        tenant_id=item.tenant_id,
        media_id=item.media_id,
        kind=item.kind.value,
        content_type=item.content_type,
        filename=item.filename,
        url=links.file_url(item, original),
        alt_text=fields.alt_text,
        renditions=[
            Rendition(
                name=name,
                content_type=f.content_type,
                url=links.file_url(item, f),
                width=f.width,
                height=f.height,
                bytes=f.bytes,
            )
            for name, f in item.public_files
        ],
        processed_at=item.updated_at,
        width=item.width,
        height=item.height,
        blurhash=item.blurhash,
        decorative=fields.decorative,
        caption=fields.caption,
        credit=fields.credit,
        licence=fields.licence,
        duration_s=None if video is None else video.duration_s,
        video_codec=None if video is None else video.video_codec,
        audio_codec=None if video is None else video.audio_codec,
        playable_url=None if playable is None else links.file_url(item, playable),
    )


def gallery_updated_event(gallery: Gallery) -> GalleryUpdated:
    return GalleryUpdated(
        tenant_id=gallery.tenant_id,
        gallery_id=gallery.gallery_id,
        release_id=gallery.release_id,
        title=gallery.title,
        version=gallery.version,
        items=[GalleryPlace(media_id=i.media_id, caption=i.caption) for i in gallery.items],
        updated_at=gallery.updated_at,
    )


def gallery_deleted_event(gallery: Gallery, now: datetime) -> GalleryDeleted:
    """Its version follows the last change's, so no older news outranks the deletion."""
    return GalleryDeleted(
        tenant_id=gallery.tenant_id,
        gallery_id=gallery.gallery_id,
        release_id=gallery.release_id,
        version=gallery.version + 1,
        deleted_at=now,
    )
