"""Absolute URLs of the files this service serves."""

from __future__ import annotations

from media.domain.item import MediaItem
from media.domain.renditions import StoredFile


class FileLinks:
    def __init__(self, public_base_url: str) -> None:
        self._base = public_base_url.rstrip("/")

    def file_url(self, item: MediaItem, file: StoredFile) -> str:
        return self._base + file.path(item.tenant_id, item.media_id)
