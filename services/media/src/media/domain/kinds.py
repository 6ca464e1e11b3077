"""What may be uploaded: the file types we take, told apart by their content, and why the
others are refused."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class FileType:
    content_type: str
    extension: str
    kind: Kind

    @property
    def is_image(self) -> bool:
        return self.kind is Kind.IMAGE

    @property
    def is_office(self) -> bool:
        """An Office Open XML file (a ZIP of parts): told by its ``[Content_Types].xml``."""
        return self.content_type in OFFICE_BY_MAIN_PART.values()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# What an Office file's ``[Content_Types].xml`` names its main part (the document or the
# presentation itself), and the file type that makes it.
OFFICE_BY_MAIN_PART = {
    f"{DOCX}.main+xml": DOCX,
    f"{PPTX}.main+xml": PPTX,
}
# Parts whose presence makes an Office file macro-enabled (DOCM, PPTM and their templates):
# macros run code on the reader's machine, so such files are refused.
MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata")

_TYPES = (
    FileType("image/jpeg", "jpg", Kind.IMAGE),
    FileType("image/png", "png", Kind.IMAGE),
    FileType("image/webp", "webp", Kind.IMAGE),
    FileType("image/gif", "gif", Kind.IMAGE),
    FileType("image/avif", "avif", Kind.IMAGE),
    FileType("image/heic", "heic", Kind.IMAGE),
    FileType("video/mp4", "mp4", Kind.VIDEO),
    FileType("video/webm", "webm", Kind.VIDEO),
    FileType("video/quicktime", "mov", Kind.VIDEO),
    FileType("application/pdf", "pdf", Kind.DOCUMENT),
    FileType(DOCX, "docx", Kind.DOCUMENT),
    FileType(PPTX, "pptx", Kind.DOCUMENT),
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
