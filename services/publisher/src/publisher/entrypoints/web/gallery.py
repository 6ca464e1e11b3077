"""The release page's pictures: responsive, described, with a placeholder while they load.

Each picture is a ``<picture>``: AVIF renditions first, then WebP, for the browsers that take
them (the smallest files), JPEG for the rest, each a ``srcset`` of widths so a phone fetches
the small one; ``width`` and ``height`` keep the page from jumping as they arrive, and the
placeholder is the picture's average colour, read from its BlurHash (its first value is that
colour: no script, no decoding of the hash's pattern). A decorative picture has an empty
``alt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publisher.domain.media import ImageSource
from publisher.service.pages import GalleryImage

# What a picture takes of the page's width: the main column (44rem, ~700 CSS pixels) at most.
SIZES = "(min-width: 46rem) 44rem, 100vw"
_BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
_BLURHASH = re.compile(rf"[{re.escape(_BASE83)}]{{6,}}")


@dataclass(frozen=True, slots=True)
class Picture:
    src: str
    width: int
    height: int | None
    alt: str
    jpeg_srcset: str
    webp_srcset: str
    avif_srcset: str
    placeholder: str | None  # a CSS colour, #rrggbb
    caption: str
    credit: str
    licence: str
    download: str


def srcset(sources: tuple[ImageSource, ...]) -> str:
    return ", ".join(f"{s.url} {s.width}w" for s in sources)


def average_colour(blurhash: str | None) -> str | None:
    """The colour a BlurHash averages to (its DC component, characters 2-5), as ``#rrggbb``;
    ``None`` for what is not a BlurHash."""
    if blurhash is None or not _BLURHASH.fullmatch(blurhash):
        return None
    value = 0
    for character in blurhash[2:6]:
        value = value * 83 + _BASE83.index(character)
    return f"#{value & 0xFFFFFF:06x}"


def pictures(gallery: tuple[GalleryImage, ...]) -> list[Picture]:
    shown = []
    for image in gallery:
        details = image.details
        largest = details.shown
        if largest is None:
            continue
        height = None
        if details.original_width and details.original_height:
            height = round(largest.width * details.original_height / details.original_width)
        shown.append(
            Picture(
                src=largest.url,
                width=largest.width,
                height=height,
                alt="" if details.decorative else details.alt_text,
                jpeg_srcset=srcset(details.sources_of("image/jpeg")),
                webp_srcset=srcset(details.sources_of("image/webp")),
                avif_srcset=srcset(details.sources_of("image/avif")),
                placeholder=average_colour(details.blurhash),
                caption=image.caption,
                credit=details.credit,
                licence=details.licence,
                download=details.original_url,
            )
        )
    return shown
