"""DOCX and PPTX told by their ``[Content_Types].xml``; macros and zip bombs refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from media_support import corpus, office
from PIL import Image

from media.adapters.cleaning import clean_jpeg
from media.adapters.inspection import ContentInspector
from media.adapters.office import check_archive
from media.adapters.office_cleaning import clean_office
from media.adapters.rendered import UnusableFileError
from media.domain.errors import Refusal, UploadRefusedError
from media.domain.kinds import DOCX, PPTX
from media.domain.limits import UploadLimits

INSPECT = ContentInspector()
GPS_TAG, ORIENTATION = 0x8825, 0x0112
LIMITS = UploadLimits(1, 1, 1, 1, max_archive_entries=50, max_archive_unpacked_bytes=2 * 1024**2)


def inspect(data: bytes) -> str:
    file_type = INSPECT.file_type(data[:262_144])
    INSPECT.check_whole(file_type, data[:262_144], data[-65_536:], len(data))
    return file_type.content_type


def test_docx_and_pptx_are_told_by_what_they_hold() -> None:
    assert inspect(office.docx()) == DOCX
    assert inspect(office.pptx()) == PPTX


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        (office.docm(), Refusal.MACROS),
        (office.plain_zip(), Refusal.UNSUPPORTED_TYPE),
        (office.docx()[:-30], Refusal.TRUNCATED),
        (office.with_content_types(b"<Types><Override"), Refusal.UNSUPPORTED_TYPE),
        (office.with_content_types(office.BILLION_LAUGHS), Refusal.UNSUPPORTED_TYPE),
    ],
    ids=["macro-enabled", "a plain zip", "truncated", "broken content types", "entities"],
)
def test_refused_at_upload(data: bytes, refusal: Refusal) -> None:
    with pytest.raises(UploadRefusedError) as refused:
        inspect(data)
    assert refused.value.refusal is refusal


def test_a_jpeg_with_a_zip_appended_is_still_a_polyglot() -> None:
    with pytest.raises(UploadRefusedError) as refused:
        inspect(corpus.polyglot_zip())
    assert refused.value.refusal is Refusal.POLYGLOT


def checked(tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "original"
    source.write_bytes(data)
    check_archive(str(source), LIMITS)


def test_a_whole_docx_passes_the_workers_check(tmp_path: Path) -> None:
    checked(tmp_path, office.docx())


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (office.docx_bomb_by_entries(60), "archive entries"),
        (office.docx_bomb_by_size(3 * 1024**2), "unpacks to"),
        (office.docx_hiding_macros(), "macros"),
    ],
    ids=["too many entries", "unpacks too large", "a VBA project behind a DOCX name"],
)
def test_the_worker_rejects_bombs_and_hidden_macros(tmp_path: Path, data: bytes, says: str) -> None:
    with pytest.raises(UnusableFileError, match=says):
        checked(tmp_path, data)


def test_the_public_original_of_a_docx_names_no_author(tmp_path: Path) -> None:
    source = tmp_path / "original"
    source.write_bytes(office.docx_with_authors())
    made = clean_office(str(source), str(tmp_path), DOCX, "docx")
    assert (made.name, made.extension) == ("public_original", "docx")
    with zipfile.ZipFile(made.path) as cleaned, zipfile.ZipFile(source) as upload:
        assert cleaned.testzip() is None
        assert cleaned.namelist() == upload.namelist()
        core = cleaned.read("docProps/core.xml")
        assert b"Jane-Secret" not in core
        assert b"jsecret-login" not in core
        assert b"<dc:creator></dc:creator>" in core
        assert b"<dc:title>Launch</dc:title>" in core  # only the people's names go
        for name in upload.namelist():
            if name != "docProps/core.xml":
                assert cleaned.read(name) == upload.read(name), name


def test_a_broken_office_file_is_a_clean_error(tmp_path: Path) -> None:
    source = tmp_path / "original"
    source.write_bytes(office.docx_with_authors()[:-40])
    with pytest.raises(UnusableFileError):
        clean_office(str(source), str(tmp_path), DOCX, "docx")


def test_the_pictures_inside_a_docx_lose_their_metadata_too(tmp_path: Path) -> None:
    photo, drawing = corpus.phone_jpeg(64, 48), b"\x01\x00\x00\x00not a picture (EMF)"
    source = tmp_path / "original"
    source.write_bytes(
        office.with_parts(
            office.docx_with_authors(),
            {"word/media/image1.jpeg": photo, "word/media/image2.emf": drawing},
        )
    )
    made = clean_office(str(source), str(tmp_path), DOCX, "docx")
    with zipfile.ZipFile(made.path) as cleaned:
        assert cleaned.testzip() is None
        kept = cleaned.read("word/media/image1.jpeg")
        assert cleaned.read("word/media/image2.emf") == drawing
    assert kept == clean_jpeg(photo)  # the uploaded pictures' cleaner: no GPS, serial or XMP
    with Image.open(io.BytesIO(kept)) as picture:
        assert GPS_TAG not in picture.getexif()
        assert picture.getexif().get(ORIENTATION) == 6  # still upright
