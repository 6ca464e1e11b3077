"""The public original of an image: the upload without personal metadata (EXIF with GPS and
camera serials, XMP edit history, IPTC, comments), run in a worker process.

JPEG, PNG, WebP and GIF are cleaned at the byte level: metadata segments, chunks and
extensions are dropped and everything the picture needs to render is copied as it is (no
re-encode, no quality lost: the pixels decode identically). What is kept is an allowlist, so
an unknown ancillary block is dropped rather than passed on; the colour profile stays. A
JPEG's EXIF orientation is kept in a minimal EXIF of that one tag, so the picture still shows
upright. HEIC and AVIF keep their metadata in container boxes beside the coded picture;
they are re-encoded without it (at a high quality: a small loss, said in the README).

The whole file is read into memory: an image upload is at most ``MEDIA_MAX_IMAGE_BYTES``.
Bytes that do not parse (truncated, garbage) raise :class:`UnusableImageError`: the item is
rejected, never retried.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageOps

from media.adapters.imaging import UnusableImageError
from media.adapters.rendered import RenderedFile, rendered_file
from media.domain.renditions import PUBLIC_ORIGINAL

# Re-encoding HEIC and AVIF: near-transparent; the public original is a download, not a page
# image (pages use the renditions).
REENCODE_QUALITY = 90
_ORIENTATION = 0x0112


def clean_image(source: str, out_dir: str, content_type: str, extension: str) -> RenderedFile:
    """The public original of the image at ``source``, written into ``out_dir``."""
    target = Path(out_dir) / f"{PUBLIC_ORIGINAL}.{extension}"
    cleaner = _BYTE_CLEANERS.get(content_type)
    if cleaner is None:
        _reencoded(source, target, content_type)
    else:
        target.write_bytes(cleaner(Path(source).read_bytes()))
    return rendered_file(PUBLIC_ORIGINAL, target, content_type, extension)


def _reencoded(source: str, target: Path, content_type: str) -> None:
    """HEIC and AVIF: the first frame, upright, with its colour profile and nothing else."""
    try:
        with Image.open(source) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
        icc = upright.info.get("icc_profile")
        upright.info = {}  # no EXIF or XMP can ride along
        options: dict[str, object] = {"quality": REENCODE_QUALITY}
        if icc:
            options["icc_profile"] = icc
        upright.save(target, format="HEIF" if content_type == "image/heic" else "AVIF", **options)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as error:
        raise UnusableImageError(f"The image does not decode: {error}") from None


def _need(data: bytes, end: int, what: str) -> None:
    if end > len(data):
        raise UnusableImageError(f"The image is truncated inside its {what}")


# JPEG ------------------------------------------------------------------------------------

_SOI, _EOI, _SOS, _COM = 0xD8, 0xD9, 0xDA, 0xFE
_APP0, _APP1, _APP2, _APP14 = 0xE0, 0xE1, 0xE2, 0xEE
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RST0-7: no length


def clean_jpeg(data: bytes) -> bytes:
    """Every segment but metadata: APP0 (JFIF), APP2 ICC_PROFILE and APP14 (Adobe: how to
    read the colours) stay; other APPn (EXIF, XMP, IPTC, MPF...) and COM go, and so does
    anything after the end of the image (a second picture, appended data)."""
    if not data.startswith(b"\xff\xd8"):
        raise UnusableImageError("The image is not a JPEG")
    out = [b"\xff\xd8"]
    orientation = _jpeg_orientation(data)
    pos = 2
    while True:
        marker, pos = _next_marker(data, pos)
        if marker == _EOI:
            out.append(b"\xff\xd9")
            break
        if marker in _STANDALONE:
            out.append(bytes((0xFF, marker)))
            continue
        _need(data, pos + 2, "segments")
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        end = pos + length
        if length < 2:
            raise UnusableImageError("The image has a segment of a bad length")
        _need(data, end, "segments")
        segment = data[pos - 2 : end]
        if _keeps(marker, data[pos + 2 : end]):
            out.append(segment)
        if marker == _SOS:
            scan_end = _scan_end(data, end)
            out.append(data[end:scan_end])
            pos = scan_end
        else:
            pos = end
    if orientation not in (None, 1):
        out.insert(_after_jfif(out), _orientation_exif(orientation))
    return b"".join(out)


def _keeps(marker: int, payload: bytes) -> bool:
    if marker == _APP0:
        return payload.startswith((b"JFIF\x00", b"JFXX\x00"))
    if marker == _APP2:
        return payload.startswith(b"ICC_PROFILE\x00")
    if marker == _APP14:
        return payload.startswith(b"Adobe")
    return marker != _COM and not 0xE0 <= marker <= 0xEF


def _next_marker(data: bytes, pos: int) -> tuple[int, int]:
    """The next marker from ``pos`` (stray bytes before it skipped, as decoders do, and fill
    bytes 0xFF) and where its segment starts."""
    pos = data.find(b"\xff", pos)
    if pos < 0:
        raise UnusableImageError("The image is truncated: no JPEG marker where one belongs")
    _need(data, pos + 2, "markers")
    while data[pos + 1] == 0xFF:
        pos += 1
        _need(data, pos + 2, "markers")
    return data[pos + 1], pos + 2


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at ``pos`` ends: at the next marker that is not
    a stuffed 0xFF00 or a restart marker."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            raise UnusableImageError("The image is truncated inside its picture data")
        following = data[pos + 1]
        if following == 0x00 or following == 0xFF or 0xD0 <= following <= 0xD7:
            pos += 1 if following == 0xFF else 2
            continue
        return pos


def _jpeg_orientation(data: bytes) -> int | None:
    exif = _first_exif(data)
    if exif is None:
        return None
    parsed = Image.Exif()
    try:
        parsed.load(exif)
        value = parsed.get(_ORIENTATION)
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, KeyError):
        return None  # an unreadable EXIF says nothing about the orientation: it goes
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _first_exif(data: bytes) -> bytes | None:
    """The first APP1 EXIF's payload (from its ``Exif\\0\\0``), before the picture data."""
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker in (_SOS, _EOI):
            return None
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        payload = data[pos + 4 : pos + 2 + length]
        if marker == _APP1 and payload.startswith(b"Exif\x00\x00"):
            return payload
        pos += 2 + length
    return None


def _orientation_exif(orientation: int) -> bytes:
    """An APP1 EXIF holding one tag: Orientation (SHORT)."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8)
    ifd = struct.pack(">H", 1) + struct.pack(">HHIHH", _ORIENTATION, 3, 1, orientation, 0)
    payload = b"Exif\x00\x00" + tiff + ifd + struct.pack(">I", 0)
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def _after_jfif(out: list[bytes]) -> int:
    """Where an EXIF segment goes: after SOI, and after a JFIF APP0 right behind it."""
    return 2 if len(out) > 1 and out[1].startswith(b"\xff\xe0") else 1


# PNG -------------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Ancillary chunks a PNG (or APNG) needs to render as made; text, time and EXIF are not here.
_PNG_KEEP = {
    *(b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs", b"bKGD", b"hIST"),
    *(b"sPLT", b"cICP", b"mDCV", b"mDCv", b"cLLI", b"cLLi", b"acTL", b"fcTL", b"fdAT"),
}


def clean_png(data: bytes) -> bytes:
    """Critical chunks, and the ancillary ones that change how it renders; nothing after
    IEND."""
    if not data.startswith(PNG_SIGNATURE):
        raise UnusableImageError("The image is not a PNG")
    out = [PNG_SIGNATURE]
    pos = len(PNG_SIGNATURE)
    while True:
        _need(data, pos + 8, "chunks")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        _need(data, end, "chunks")
        critical = kind[:1].isupper()
        if critical or kind in _PNG_KEEP:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out)


# WebP ------------------------------------------------------------------------------------

_WEBP_KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def clean_webp(data: bytes) -> bytes:
    """The picture's chunks and its colour profile; EXIF and XMP chunks dropped and their
    flags in VP8X cleared; nothing past the RIFF's own length."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise UnusableImageError("The image is not a WebP")
    (riff_size,) = struct.unpack("<I", data[4:8])
    end_of_riff = 8 + riff_size
    _need(data, end_of_riff, "RIFF container")
    chunks = []
    pos = 12
    while pos < end_of_riff:
        _need(data, pos + 8, "chunks")
        kind, size = struct.unpack("<4sI", data[pos : pos + 8])
        end = pos + 8 + size + (size & 1)
        _need(data, pos + 8 + size, "chunks")
        if kind == b"VP8X":
            flags = data[pos + 8] & ~(_VP8X_EXIF | _VP8X_XMP)
            chunks.append(data[pos : pos + 8] + bytes((flags,)) + data[pos + 9 : end])
        elif kind in _WEBP_KEEP:
            chunks.append(data[pos:end])
        pos = end
    if not any(chunk[:4] in (b"VP8 ", b"VP8L", b"VP8X") for chunk in chunks):
        raise UnusableImageError("The image has no WebP picture")
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# GIF -------------------------------------------------------------------------------------

# Application extensions that change how it plays or looks: looping, and a colour profile.
_GIF_APPS = {b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012"}
_GIF_COMMENT, _GIF_APPLICATION = 0xFE, 0xFF


def clean_gif(data: bytes) -> bytes:
    """Images and the extensions that play them; comments and other application extensions
    (XMP among them) dropped; nothing after the trailer."""
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise UnusableImageError("The image is not a GIF")
    _need(data, 13, "header")
    pos = 13 + _colour_table(data[10])
    out = [data[:pos]]
    while True:
        _need(data, pos + 1, "blocks")
        introducer = data[pos]
        if introducer == 0x3B:
            out.append(b"\x3b")
            return b"".join(out)
        if introducer == 0x21:
            _need(data, pos + 2, "extensions")
            end = _sub_blocks(data, pos + 2)
            if _gif_keeps(data[pos + 1], data[pos + 2 : end]):
                out.append(data[pos:end])
        elif introducer == 0x2C:
            _need(data, pos + 10, "image descriptors")
            start = pos + 10 + _colour_table(data[pos + 9]) + 1  # the LZW code size
            end = _sub_blocks(data, start)
            out.append(data[pos:end])
        else:
            raise UnusableImageError("The image has an unknown GIF block")
        pos = end


def _colour_table(flags: int) -> int:
    return 3 * (2 ** ((flags & 0x07) + 1)) if flags & 0x80 else 0


def _sub_blocks(data: bytes, pos: int) -> int:
    """The end of the data sub-blocks at ``pos`` (after their zero terminator)."""
    while True:
        _need(data, pos + 1, "data blocks")
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _gif_keeps(label: int, body: bytes) -> bool:
    if label == _GIF_COMMENT:
        return False
    if label == _GIF_APPLICATION:
        return body[:1] == b"\x0b" and body[1:12] in _GIF_APPS
    return True  # graphic control, plain text


_BYTE_CLEANERS: dict[str, Callable[[bytes], bytes]] = {
    "image/jpeg": clean_jpeg,
    "image/png": clean_png,
    "image/webp": clean_webp,
    "image/gif": clean_gif,
}
