"""Making an image's renditions with Pillow: run in a worker process, never on the event loop.

Plain functions of paths, so a process pool can run them: the original is read from a local
file and each rendition written beside it. The decoded image is reduced while it loads (JPEG
draft mode) to what the largest rendition needs, which bounds memory whatever the original's
size. Renditions carry no metadata but the colour profile: EXIF (GPS, camera serials) and XMP
(edit history) never leave the original.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path

import blurhash
from PIL import Image, ImageOps

from media.adapters.rendered import RenderedFile, RenderOutput, UnusableFileError, rendered_file
from media.domain.renditions import (
    CONTENT_TYPES,
    EXTENSIONS,
    FORMATS,
    IMAGE_RENDITIONS,
    RenditionSpec,
    rendition_name,
)

QUALITY = {"jpeg": 85, "webp": 80, "avif": 60}  # AVIF's scale differs: 60 looks like JPEG 85
# AVIF's encoder (libavif/aom) on P7's 1600x1067 web rendition, one thread, here: speed 6
# (the default) 1.7-3.3 s and 148 KB, speed 8 1.3-1.9 s and 191 KB, speed 9 ~0.4 s and 179 KB
# (WebP: ~0.4 s, 211 KB; JPEG: 0.1 s, 294 KB). Speed 9 costs what WebP costs. One thread: the
# pool's size (MEDIA_RENDER_PROCESSES) is what renditions may take of the machine.
AVIF_OPTIONS = {"speed": 9, "max_threads": 1}
# Reduce by whole factors first, then resample the rest: Pillow's own speed-up, the same
# quality as a full LANCZOS to the eye at these ratios.
REDUCING_GAP = 3.0
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
_ORIENTATION = 0x0112


class UnusableImageError(UnusableFileError):
    """The image does not decode: truncated inside, corrupt, or too many pixels."""


def render_image(source: str, out_dir: str) -> RenderOutput:
    """Every rendition of the image at ``source``, written into ``out_dir``."""
    try:
        picture, width, height = _load(source)
        files: list[RenderedFile] = []
        for spec in IMAGE_RENDITIONS:
            shaped = _shaped(picture, spec)  # once, saved in each format
            files.extend(_save(shaped, spec, f, Path(out_dir)) for f in FORMATS)
        return RenderOutput(width, height, _blurhash(picture), tuple(files))
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        struct.error,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise UnusableImageError(f"The image does not decode: {error}") from None


def _load(source: str) -> tuple[Image.Image, int, int]:
    """The first frame, upright, in RGB(A), no larger than needed; and the original's upright
    size."""
    with Image.open(source) as image:
        width, height = image.size
        orientation = image.getexif().get(_ORIENTATION, 1)
        upright_size = (height, width) if orientation in _ROTATED else (width, height)
        scale = _scale_needed(*upright_size)
        # JPEG only: decode at 1/2, 1/4 or 1/8 when that still covers every rendition.
        image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
        image.load()  # a truncated or corrupt file fails here
        upright = ImageOps.exif_transpose(image)
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        picture = upright.convert("RGBA" if has_alpha else "RGB")
    if orientation in _ROTATED:
        width, height = height, width
    return picture, width, height


def _scale_needed(width: int, height: int) -> float:
    """The largest scale any rendition takes of an upright ``width`` x ``height`` picture."""
    scales = []
    for spec in IMAGE_RENDITIONS:
        ratios = (spec.width / width, spec.height / height)
        scales.append(max(ratios) if spec.crop else min(ratios))
    return min(1.0, max(scales))


def _shaped(picture: Image.Image, spec: RenditionSpec) -> Image.Image:
    box = (spec.width, spec.height)
    if spec.crop:
        return _cover(picture, box)
    scale = min(1.0, spec.width / picture.width, spec.height / picture.height)  # never enlarge
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def _cover(picture: Image.Image, box: tuple[int, int]) -> Image.Image:
    """Cut to the box's shape around the centre, then scale to it (ImageOps.fit, with the
    reducing gap fit does not take)."""
    target = box[0] / box[1]
    width, height = picture.size
    if width / height > target:
        cut = round(height * target)
        area = ((width - cut) / 2, 0.0, (width + cut) / 2, float(height))
    else:
        cut = round(width / target)
        area = (0.0, (height - cut) / 2, float(width), (height + cut) / 2)
    return picture.resize(box, Image.Resampling.LANCZOS, box=area, reducing_gap=REDUCING_GAP)


def _save(picture: Image.Image, spec: RenditionSpec, image_format: str, out: Path) -> RenderedFile:
    name = rendition_name(spec, image_format)
    if image_format == "jpeg" and picture.mode == "RGBA":
        flat = Image.new("RGB", picture.size, (255, 255, 255))
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    icc = picture.info.get("icc_profile")
    picture.info = {}  # no EXIF, XMP or comments can ride along
    path = out / f"{name}.{EXTENSIONS[image_format]}"
    options: dict[str, object] = {"quality": QUALITY[image_format]}
    if icc:
        options["icc_profile"] = icc
    if image_format == "jpeg":
        options.update(optimize=True, progressive=True)
    if image_format == "avif":
        options.update(AVIF_OPTIONS)
    picture.save(path, format=image_format.upper(), **options)
    content_type, extension = CONTENT_TYPES[image_format], EXTENSIONS[image_format]
    return rendered_file(name, path, content_type, extension, picture.width, picture.height)


def _blurhash(picture: Image.Image) -> str:
    small = picture.convert("RGB")
    small.thumbnail((32, 32))
    pixels = [[small.getpixel((x, y)) for x in range(small.width)] for y in range(small.height)]
    return str(blurhash.encode(pixels, components_x=4, components_y=3))
