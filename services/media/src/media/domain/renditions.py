"""The renditions every image gets, and where files are served (content-addressed paths)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RenditionSpec:
    """One derived picture: fitted inside ``width`` x ``height`` (never enlarged), or cut to
    exactly that size when ``crop`` (the social card's 1.91:1 for OpenGraph and posts)."""

    name: str
    width: int
    height: int
    crop: bool = False


IMAGE_RENDITIONS = (
    RenditionSpec("thumbnail", 320, 320),
    RenditionSpec("web", 1600, 1600),
    RenditionSpec("social_card", 1200, 630, crop=True),
)
# Each rendition in JPEG (understood everywhere: social networks, email), and WebP and AVIF
# beside it (smaller, for pages' <picture> sources). ``social_card`` itself stays the JPEG.
FORMATS = ("jpeg", "webp", "avif")
CONTENT_TYPES = {"jpeg": "image/jpeg", "webp": "image/webp", "avif": "image/avif"}
EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "avif": "avif"}
ORIGINAL = "original"
# The original without personal metadata (EXIF GPS, camera serials, XMP): what anyone but
# staff gets when they ask for the original (see ``MediaItem.public_original``).
PUBLIC_ORIGINAL = "public_original"


def rendition_name(spec: RenditionSpec, image_format: str) -> str:
    """``social_card`` for the JPEG (the name the publisher looks for), ``social_card_webp``
    and ``social_card_avif`` for the WebP and AVIF beside it."""
    return spec.name if image_format == "jpeg" else f"{spec.name}_{image_format}"


# What an image (or a video's poster frame) is rendered into today: every rendition in every
# format, and the public original. Items processed before some of them existed (AVIF, public
# originals) lack them until they are rendered again (``media rerender``).
PICTURE_FILES = frozenset(
    {rendition_name(spec, f) for spec in IMAGE_RENDITIONS for f in FORMATS} | {PUBLIC_ORIGINAL}
)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One file of an item in storage: the original or a rendition."""

    name: str
    file_id: str
    content_type: str
    extension: str
    digest: str  # SHA-256 of the content, hex
    bytes: int
    width: int | None = None
    height: int | None = None

    def path(self, tenant_id: str, media_id: str) -> str:
        """Its URL path: the content's digest is in it, so what it names never changes (a strong
        ETag, cacheable forever) and it cannot be guessed from the ids."""
        return f"/files/{tenant_id}/{media_id}/{self.name}-{self.digest}.{self.extension}"


def file_key(name: str, digest: str) -> str:
    """What a file path's last segment names (without the extension)."""
    return f"{name}-{digest}"
