"""What may be uploaded: the file types we take, told apart by their content, and why the
others are refused."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class FileType:
    content_type: str
    extension: str
    kind: Kind

    @property
    def is_image(self) -> bool:
        return self.kind is Kind.IMAGE


_TYPES = (
    FileType("image/jpeg", "jpg", Kind.IMAGE),
    FileType("image/png", "png", Kind.IMAGE),
    FileType("image/webp", "webp", Kind.IMAGE),
    FileType("image/gif", "gif", Kind.IMAGE),
    FileType("image/avif", "avif", Kind.IMAGE),
    FileType("image/heic", "heic", Kind.IMAGE),
    FileType("application/pdf", "pdf", Kind.DOCUMENT),
)
ACCEPTED: dict[str, FileType] = {t.content_type: t for t in _TYPES}

# Types we recognise and refuse on purpose, with the reason the client is told.
REFUSED: dict[str, str] = {
    "image/svg+xml": "SVG is refused: it can carry script that would run on our origin when "
    "served as SVG; upload it as PNG or JPEG",
}


def accepted_list() -> str:
    """For messages: the types we take."""
    return ", ".join(t.extension.upper() for t in _TYPES)
