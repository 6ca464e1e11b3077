"""Limits on uploads: bytes per kind, pixels per image, storage per tenant."""

from __future__ import annotations

from dataclasses import dataclass

from media.domain.errors import Refusal, UploadRefusedError
from media.domain.kinds import FileType, Kind


@dataclass(frozen=True, slots=True)
class UploadLimits:
    max_image_bytes: int
    max_document_bytes: int
    max_image_pixels: int
    tenant_quota_bytes: int
    max_video_bytes: int = 2 * 1024**3
    # An Office file is a ZIP: more parts or more unpacked bytes than this is a zip bomb.
    max_archive_entries: int = 10_000
    max_archive_unpacked_bytes: int = 1024**3

    def max_bytes(self, kind: Kind) -> int:
        match kind:
            case Kind.IMAGE:
                return self.max_image_bytes
            case Kind.VIDEO:
                return self.max_video_bytes
            case _:
                return self.max_document_bytes

    def largest_upload(self) -> int:
        return max(self.max_image_bytes, self.max_document_bytes, self.max_video_bytes)

    def check_size(self, file_type: FileType, size: int) -> None:
        limit = self.max_bytes(file_type.kind)
        if size > limit:
            raise UploadRefusedError(
                Refusal.TOO_LARGE,
                f"A {file_type.extension.upper()} upload may be at most {limit} bytes",
            )

    def check_pixels(self, width: int, height: int, frames: int = 1) -> None:
        """Refuse a pixel flood before anything decodes it: the decoded image takes memory in
        proportion to its pixels, whatever the file's size (a decompression bomb)."""
        pixels = width * height * max(frames, 1)
        if width <= 0 or height <= 0:
            raise UploadRefusedError(Refusal.UNREADABLE, "The picture has no pixels")
        if pixels > self.max_image_pixels:
            raise UploadRefusedError(
                Refusal.PIXEL_FLOOD,
                f"The picture has {pixels} pixels ({width}x{height}"
                f"{f' x {frames} frames' if frames > 1 else ''}); at most "
                f"{self.max_image_pixels} are taken",
            )

    def check_archive(self, entries: int, unpacked_bytes: int) -> None:
        """Refuse a zip bomb: an archive whose parts are too many or unpack too large."""
        if entries > self.max_archive_entries:
            raise UploadRefusedError(
                Refusal.ZIP_BOMB,
                f"The file holds {entries} archive entries; at most "
                f"{self.max_archive_entries} are taken",
            )
        if unpacked_bytes > self.max_archive_unpacked_bytes:
            raise UploadRefusedError(
                Refusal.ZIP_BOMB,
                f"The file unpacks to {unpacked_bytes} bytes; at most "
                f"{self.max_archive_unpacked_bytes} are taken",
            )

    def check_quota(self, used: int, size: int) -> None:
        if used + size > self.tenant_quota_bytes:
            raise self.quota_refusal(used, size)

    def quota_refusal(self, used: int, size: int) -> UploadRefusedError:
        return UploadRefusedError(
            Refusal.QUOTA_EXCEEDED,
            f"The tenant's storage quota of {self.tenant_quota_bytes} bytes would be "
            f"exceeded ({used} used, this upload {size})",
        )
