"""A PDF's first page drawn by PDFium in a helper process, then the image renditions."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from media_support import corpus
from PIL import Image

from media.adapters.cleaning import clean_jpeg
from media.adapters.pdf_preview import UnusablePdfError, render_pdf


def render(tmp_path: Path, data: bytes):
    source = tmp_path / "original"
    source.write_bytes(data)
    return render_pdf(str(source), str(tmp_path), 50_000_000, 60)


def test_the_first_page_gets_the_image_renditions(tmp_path: Path) -> None:
    output = render(tmp_path, corpus.pdf())
    shapes = {f.name: (f.width, f.height) for f in output.files}
    assert shapes["web"] == (1600, 800)  # a 2:1 page drawn to the web size
    assert shapes["social_card"] == (1200, 630)
    assert {"thumbnail", "thumbnail_webp", "web_webp", "social_card_webp"} < set(shapes)
    assert output.blurhash
    assert (output.width, output.height) == (None, None)  # a document has no pixel size


def test_a_broken_pdf_is_unusable(tmp_path: Path) -> None:
    with pytest.raises(UnusablePdfError, match="does not open"):
        render(tmp_path, b"%PDF-1.7\n1 0 obj broken\n%%EOF\n")


def test_a_password_protected_pdf_is_kept_without_preview(tmp_path: Path) -> None:
    output = render(tmp_path, corpus.encrypted_pdf())
    assert (output.files, output.blurhash) == ((), None)


def test_the_public_original_has_no_author_tools_or_xmp(tmp_path: Path) -> None:
    source = tmp_path / "made.pdf"
    with pikepdf.open(io.BytesIO(corpus.pdf())) as document:
        with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["dc:creator"] = ["Jane Employee"]
            xmp["xmpMM:DocumentID"] = "uuid:private-document-id"
        document.docinfo["/Author"] = "Jane Employee"
        document.docinfo["/Creator"] = "Acme Internal Writer 7"
        document.docinfo["/Producer"] = "Acme PDF Server"
        document.docinfo["/Title"] = "Roadrunner 2 fact sheet"
        document.save(source)
    output = render(tmp_path, source.read_bytes())

    [cleaned] = [f for f in output.files if f.name == "public_original"]
    assert cleaned.content_type == "application/pdf"
    with pikepdf.open(cleaned.path) as document:
        assert "/Metadata" not in document.Root
        assert not {"/Author", "/Creator", "/Producer"} & set(document.docinfo.keys())
        assert str(document.docinfo["/Title"]) == "Roadrunner 2 fact sheet"
        assert len(document.pages) == 1
    raw = Path(cleaned.path).read_bytes()
    assert b"Jane Employee" not in raw
    assert b"private-document-id" not in raw


def test_a_password_protected_pdf_keeps_its_upload_as_public_original(tmp_path: Path) -> None:
    output = render(tmp_path, corpus.encrypted_pdf())
    assert not [f for f in output.files if f.name == "public_original"]


def test_a_photo_inside_the_pdf_loses_its_exif_too(tmp_path: Path) -> None:
    photo = corpus.phone_jpeg(64, 48)
    source = tmp_path / "with-photo.pdf"
    with pikepdf.new() as document:
        document.add_blank_page(page_size=(200, 100))
        image = pikepdf.Stream(
            document,
            photo,
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=64,
            Height=48,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=pikepdf.Name.DCTDecode,
        )
        page = document.pages[0]
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.Contents = document.make_stream(b"q 64 0 0 48 10 10 cm /Im0 Do Q")
        document.save(source)
    output = render(tmp_path, source.read_bytes())

    [cleaned] = [f for f in output.files if f.name == "public_original"]
    with pikepdf.open(cleaned.path) as document:
        [picture] = [
            o for o in document.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == pikepdf.Name.Image
        ]  # fmt: skip
        kept = picture.read_raw_bytes()
    assert kept == clean_jpeg(photo)
    with Image.open(io.BytesIO(kept)) as shown:
        assert 0x8825 not in shown.getexif()  # no GPS
