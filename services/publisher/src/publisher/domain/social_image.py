"""Which media item is a release's social-card image (the one social posts and emails show)."""

from __future__ import annotations

from collections.abc import Mapping

from publisher.domain.content import ReleaseContent
from publisher.domain.media import MediaDetails, MediaItem


def social_image(
    content: ReleaseContent, items: Mapping[str, MediaItem]
) -> tuple[str, MediaDetails] | None:
    """The chosen item (its id and looks), or ``None`` when the release has no image to show.

    The editors' choice (``social_card_media_id``) wins; it is shown only while it is a processed
    image (no silent fallback to another picture they did not pick). Without a choice, the first
    of ``media_ids`` that is a processed image.
    """
    if content.social_card_media_id is not None:
        candidates = [content.social_card_media_id]
    else:
        candidates = content.media_ids
    for media_id in candidates:
        item = items.get(media_id)
        shown = None if item is None else item.shown_image()
        if shown is not None:
            return media_id, shown
    return None
