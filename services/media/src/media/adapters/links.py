"""Absolute URLs of the files this service serves, plain and signed."""

from __future__ import annotations

from datetime import datetime

from media.domain.item import MediaItem
from media.domain.renditions import StoredFile
from newsroom_shared.signed_urls import UrlSigner


class FileLinks:
    def __init__(self, public_base_url: str, signer: UrlSigner) -> None:
        self._base = public_base_url.rstrip("/")
        self._signer = signer

    def file_url(self, item: MediaItem, file: StoredFile) -> str:
        return self._base + file.path(item.tenant_id, item.media_id)

    def signed_url(self, path: str, expires_at: datetime) -> str:
        """The signature covers the path this service routes, not the proxy's prefix."""
        return f"{self._base}{path}?{self._signer.query(path, expires_at)}"
