"""Renditions as the worker process makes them: shapes, formats, no personal metadata."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from media_support import corpus
from PIL import Image

from media.adapters.imaging import UnusableImageError, render_image
from media.adapters.pillow_setup import configure_pillow

DEFAULT_MAX_PIXELS = Image.MAX_IMAGE_PIXELS


def render(tmp_path: Path, data: bytes):
    source = tmp_path / "original"
    source.write_bytes(data)
    return render_image(str(source), str(tmp_path))


def test_every_rendition_without_exif_gps_or_xmp(tmp_path: Path) -> None:
    output = render(tmp_path, corpus.jpeg(2400, 1600, gps=True))
    assert (output.width, output.height) == (2400, 1600)
    assert output.blurhash
    shapes = {f.name: (f.width, f.height, f.content_type) for f in output.files}
    assert shapes == {
        "thumbnail": (320, 213, "image/jpeg"),
        "thumbnail_webp": (320, 213, "image/webp"),
        "thumbnail_avif": (320, 213, "image/avif"),
        "web": (1600, 1067, "image/jpeg"),
        "web_webp": (1600, 1067, "image/webp"),
        "web_avif": (1600, 1067, "image/avif"),
        "social_card": (1200, 630, "image/jpeg"),
        "social_card_webp": (1200, 630, "image/webp"),
        "social_card_avif": (1200, 630, "image/avif"),
    }
    for file in output.files:
        data = Path(file.path).read_bytes()
        image = Image.open(io.BytesIO(data))
        assert not image.getexif(), file.name
        assert image.getexif().get_ifd(0x8825) == {}
        assert "xmp" not in image.info
        for secret in (b"SecretCam", b"SERIAL-12345", b"Jane-Secret", b"xmpmeta"):
            assert secret not in data, (file.name, secret)


def test_small_images_are_not_enlarged_and_alpha_survives_in_webp(tmp_path: Path) -> None:
    output = render(tmp_path, corpus.png(200, 100, alpha=True))
    files = {f.name: f for f in output.files}
    assert (files["web"].width, files["web"].height) == (200, 100)
    assert Image.open(files["web_webp"].path).mode == "RGBA"
    assert Image.open(files["web_avif"].path).mode == "RGBA"
    assert Image.open(files["web"].path).mode == "RGB"


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "AVIF", "HEIF"])
def test_other_formats_render(tmp_path: Path, image_format: str) -> None:
    output = render(tmp_path, corpus.other(image_format))
    assert (output.width, output.height) == (300, 200)


def test_a_broken_image_is_unusable(tmp_path: Path) -> None:
    with pytest.raises(UnusableImageError, match="does not decode"):
        render(tmp_path, corpus.corrupt_inside_png())


def test_a_pixel_flood_is_an_error_not_a_warning(tmp_path: Path) -> None:
    configure_pillow(1_000_000)
    try:
        with pytest.raises(UnusableImageError):
            render(tmp_path, corpus.png(1200, 1000))  # 1.2 MP: over 1 MP, under Pillow's 2x
    finally:
        configure_pillow(DEFAULT_MAX_PIXELS)


def test_an_image_is_turned_upright_by_its_exif_orientation(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # taken rotated: shown turned 90 degrees clockwise
    out = io.BytesIO()
    Image.new("RGB", (2400, 1600), (1, 2, 3)).save(out, "JPEG", exif=exif)
    output = render(tmp_path, out.getvalue())
    assert (output.width, output.height) == (1600, 2400)
    files = {f.name: f for f in output.files}
    assert (files["web"].width, files["web"].height) == (1067, 1600)
    assert (files["social_card"].width, files["social_card"].height) == (1200, 630)
