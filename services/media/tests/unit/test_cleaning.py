"""The public original's cleaners on crafted files: personal metadata gone, the picture (its
pixels, colour profile, orientation, animation) as it was; broken input a clean error."""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from pathlib import Path

import pillow_heif
import pytest
from media_support import corpus
from PIL import Image, ImageOps

from media.adapters.cleaning import (
    PNG_SIGNATURE,
    clean_gif,
    clean_image,
    clean_jpeg,
    clean_png,
    clean_webp,
)
from media.adapters.imaging import UnusableImageError

ORIENTATION = 0x0112


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_no_secrets(data: bytes) -> None:
    for secret in corpus.SECRETS:
        assert secret not in data, secret


def test_a_jpeg_loses_exif_xmp_iptc_and_comments_but_not_a_pixel() -> None:
    upload = corpus.phone_jpeg(orientation=6)
    assert all(secret in upload for secret in corpus.SECRETS)
    cleaned = clean_jpeg(upload)
    assert_no_secrets(cleaned)
    before, after = decoded(upload), decoded(cleaned)
    assert after.tobytes() == before.tobytes()  # the same scans: no re-encode
    assert after.info["icc_profile"] == before.info["icc_profile"]
    assert dict(after.getexif()) == {ORIENTATION: 6}  # still shown upright
    assert "xmp" not in after.info
    assert "comment" not in after.info
    assert cleaned.endswith(b"\xff\xd9")  # what followed the picture's end is gone
    assert clean_jpeg(cleaned) == cleaned


def test_an_upright_jpeg_gets_no_exif_at_all() -> None:
    cleaned = clean_jpeg(corpus.phone_jpeg(orientation=1))
    assert not decoded(cleaned).getexif()
    assert b"Exif" not in cleaned


def test_a_progressive_jpeg_with_restart_markers_keeps_its_scans() -> None:
    out = io.BytesIO()
    picture = corpus._pattern(120, 90)
    picture.save(out, "JPEG", progressive=True, restart_marker_blocks=1, comment=b"Jane-Secret")
    cleaned = clean_jpeg(out.getvalue())
    assert b"Jane-Secret" not in cleaned
    assert decoded(cleaned).tobytes() == decoded(out.getvalue()).tobytes()


def png_chunks(data: bytes) -> list[bytes]:
    kinds, pos = [], len(PNG_SIGNATURE)
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        kinds.append(kind)
        pos += 12 + length
    return kinds


def test_a_png_loses_exif_text_and_time_chunks() -> None:
    upload = corpus.phone_png()
    assert {b"eXIf", b"tEXt", b"iTXt", b"tIME", b"iCCP"} <= set(png_chunks(upload))
    cleaned = clean_png(upload)
    assert_no_secrets(cleaned)
    kinds = png_chunks(cleaned)
    assert [k for k in kinds if k != b"IDAT"] == [b"IHDR", b"iCCP", b"IEND"]
    assert b"IDAT" in kinds
    before, after = decoded(upload), decoded(cleaned)
    assert after.tobytes() == before.tobytes()
    assert not after.getexif()


def webp_chunks(data: bytes) -> list[bytes]:
    kinds, pos = [], 12
    while pos < len(data):
        kind, size = struct.unpack("<4sI", data[pos : pos + 8])
        kinds.append(kind)
        pos += 8 + size + (size & 1)
    return kinds


def test_a_webp_loses_its_exif_and_xmp_chunks_and_their_flags() -> None:
    upload = corpus.phone_webp()
    assert {b"EXIF", b"XMP "} <= set(webp_chunks(upload))
    cleaned = clean_webp(upload)
    assert_no_secrets(cleaned)
    assert webp_chunks(cleaned) == [b"VP8X", b"ICCP", b"VP8L"]
    assert cleaned[20] & 0x0C == 0  # VP8X: no EXIF, no XMP
    assert cleaned[20] & 0x20  # the ICC profile's flag stays
    assert struct.unpack("<I", cleaned[4:8])[0] == len(cleaned) - 8
    before, after = decoded(upload), decoded(cleaned)
    assert after.tobytes() == before.tobytes()
    assert not after.getexif()


def test_a_gif_loses_comments_and_xmp_and_keeps_its_animation() -> None:
    upload = corpus.commented_gif()
    cleaned = clean_gif(upload)
    assert_no_secrets(cleaned)
    assert b"NETSCAPE2.0" in cleaned
    before, after = decoded(upload), decoded(cleaned)
    assert after.n_frames == before.n_frames == 2  # type: ignore[attr-defined]
    assert after.info["loop"] == 0
    assert "comment" not in after.info
    assert after.tobytes() == before.tobytes()


@pytest.mark.parametrize(("image_format", "content_type"), [("AVIF", "image/avif"),
                                                             ("HEIF", "image/heic")])  # fmt: skip
def test_heic_and_avif_are_encoded_again_without_metadata(
    tmp_path: Path, image_format: str, content_type: str
) -> None:
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    corpus._pattern(200, 100).save(
        out, image_format, exif=corpus._phone_exif(orientation=6), xmp=corpus.XMP
    )
    source = tmp_path / "original"
    source.write_bytes(out.getvalue())
    assert b"SERIAL-12345" in out.getvalue()
    made = clean_image(str(source), str(tmp_path), content_type, "avif")
    data = Path(made.path).read_bytes()
    assert_no_secrets(data)
    picture = decoded(data)
    assert not picture.getexif().get_ifd(0x8825)
    # Turned upright before its orientation was dropped: it shows as the upload did.
    assert picture.size == ImageOps.exif_transpose(decoded(out.getvalue())).size
    assert (made.name, made.content_type) == ("public_original", content_type)


BROKEN: list[tuple[Callable[[bytes], bytes], bytes]] = [
    (clean_jpeg, corpus.truncated_jpeg()),
    (clean_jpeg, b"\xff\xd8\xff\xe1\x00"),
    (clean_jpeg, b"\xff\xd8\xff\xe1\x00\x01" + b"\x00" * 8),
    (clean_jpeg, b"\xff\xd8" + b"garbage" * 10),
    (clean_jpeg, b"not a jpeg"),
    (clean_png, corpus.phone_png()[:-20]),
    (clean_png, PNG_SIGNATURE + b"\xff\xff\xff\xffIDAT"),
    (clean_png, b"garbage"),
    (clean_webp, corpus.phone_webp()[:-50]),
    (clean_webp, b"RIFF\x04\x00\x00\x00WEBP"),
    (clean_webp, b"RIFF\x10\x00\x00\x00WEBPVP8X\xff\xff\xff\x00"),
    (clean_gif, corpus.commented_gif()[:-30]),
    (clean_gif, b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x99"),
    (clean_gif, b"GIF8"),
]


@pytest.mark.parametrize(("cleaner", "data"), BROKEN)
def test_broken_input_is_a_clean_error(cleaner: Callable[[bytes], bytes], data: bytes) -> None:
    with pytest.raises(UnusableImageError):
        cleaner(data)


def test_a_broken_heic_is_a_clean_error(tmp_path: Path) -> None:
    source = tmp_path / "original"
    source.write_bytes(corpus.other("AVIF")[:60])
    with pytest.raises(UnusableImageError):
        clean_image(str(source), str(tmp_path), "image/avif", "avif")


def test_stray_bytes_between_jpeg_segments_are_skipped_as_decoders_do() -> None:
    upload = corpus.phone_jpeg(orientation=1)
    padded = upload[:2] + b"\x00\x00" + upload[2:]
    cleaned = clean_jpeg(padded)
    assert_no_secrets(cleaned)
    assert decoded(cleaned).tobytes() == decoded(upload).tobytes()
