"""The public original of a DOCX or PPTX: the same package with the names of who wrote and
last saved it blanked (``dc:creator`` and ``cp:lastModifiedBy`` in ``docProps/core.xml``)
and its embedded JPEG and PNG pictures without their metadata (a phone photo's EXIF GPS,
cleaned by the same byte cleaners as an uploaded picture), run in a worker process after the
archive passed its checks (``office.check_archive``).

Every other entry is copied as it is (decompressed and compressed again with its own method:
the content is the same); so is an embedded picture larger than ``MAX_CLEANED_PICTURE_BYTES``
or one the cleaner cannot parse (Office opens only what it can read; refusing the document
for it would help no reader). The core properties are edited as text, element by element, so the
rest of that part (its namespaces, dates, title) stays byte for byte.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from media.adapters.cleaning import clean_jpeg, clean_png
from media.adapters.imaging import UnusableImageError
from media.adapters.rendered import RenderedFile, UnusableFileError, rendered_file
from media.domain.renditions import PUBLIC_ORIGINAL

CORE_PROPERTIES = "docProps/core.xml"
# Who wrote it and who saved it last: people's names, often an employee's login.
_PERSONAL = re.compile(
    rb"<((?:[A-Za-z_][\w.-]*:)?(?:creator|lastModifiedBy))(\s[^>]*)?>.*?</\1\s*>", re.DOTALL
)
COPY_CHUNK = 1024 * 1024
# Core properties are a few hundred bytes; a larger part is not edited as text (a bomb).
MAX_CORE_BYTES = 64 * 1024
# Embedded pictures are read whole to be cleaned, as an uploaded picture is.
MAX_CLEANED_PICTURE_BYTES = 64 * 1024 * 1024
_PICTURE_CLEANERS: dict[bytes, Callable[[bytes], bytes]] = {
    b"\xff\xd8\xff": clean_jpeg,
    b"\x89PNG\r\n\x1a\n": clean_png,
}


def clean_office(source: str, out_dir: str, content_type: str, extension: str) -> RenderedFile:
    target = Path(out_dir) / f"{PUBLIC_ORIGINAL}.{extension}"
    try:
        with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
            for entry in archive.infolist():
                _copy(archive, out, entry)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise UnusableFileError(f"The Office file could not be copied: {error}") from None
    return rendered_file(PUBLIC_ORIGINAL, target, content_type, extension)


def blanked(core: bytes) -> bytes:
    """``core.xml`` with its creator and last editor emptied (the elements stay)."""
    return _PERSONAL.sub(lambda found: b"<%s%s></%s>" % (found[1], found[2] or b"", found[1]), core)


def _copy(archive: zipfile.ZipFile, out: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    copied = zipfile.ZipInfo(entry.filename, entry.date_time)
    copied.compress_type = entry.compress_type
    copied.external_attr = entry.external_attr
    if entry.filename == CORE_PROPERTIES:
        if entry.file_size > MAX_CORE_BYTES:
            raise UnusableFileError(f"The Office file's {CORE_PROPERTIES} is too large")
        out.writestr(copied, blanked(archive.read(entry)))
        return
    if "/media/" in entry.filename and entry.file_size <= MAX_CLEANED_PICTURE_BYTES:
        data = archive.read(entry)
        out.writestr(copied, _without_metadata(data))
        return
    with archive.open(entry) as read, out.open(copied, "w", force_zip64=True) as write:
        shutil.copyfileobj(read, write, COPY_CHUNK)


def _without_metadata(picture: bytes) -> bytes:
    """An embedded part as the package will carry it: a JPEG or PNG cleaned, anything else
    (EMF, SVG, a part the cleaner cannot parse) as it was."""
    for signature, clean in _PICTURE_CLEANERS.items():
        if picture.startswith(signature):
            try:
                return clean(picture)
            except UnusableImageError:
                return picture
    return picture
