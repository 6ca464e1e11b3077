"""Office Open XML files (DOCX, PPTX): told by the ``[Content_Types].xml`` inside the ZIP, and
the archive checked for macros and for being a zip bomb.

At upload only the first bytes are at hand: the local entries found there are read, and the
content types file (which Word, PowerPoint and LibreOffice write first) is inflated with a cap
and parsed without entities (``defusedxml``). The worker then checks the whole archive from its
central directory, which declares every entry's unpacked size: nothing is unpacked to count.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

from defusedxml import ElementTree

from media.adapters.rendered import RenderOutput, UnusableFileError
from media.domain.errors import Refusal, UploadRefusedError
from media.domain.kinds import MACRO_MARKERS, OFFICE_BY_MAIN_PART
from media.domain.limits import UploadLimits

CONTENT_TYPES = "[Content_Types].xml"
ZIP_MAGIC = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s5H3I2H")  # signature ... name length, extra length
_MAX_CONTENT_TYPES_BYTES = 1024 * 1024
_STORED, _DEFLATED = 0, 8


def office_type(head: bytes) -> str | None:
    """The Office file type a ZIP's first bytes make, or None if they make none; raises
    UploadRefusedError for a macro-enabled file."""
    listing = _content_types(head)
    if listing is None:
        return None
    try:
        root = ElementTree.fromstring(listing)
    except (ElementTree.ParseError, ValueError):  # defusedxml refuses entities: ValueError kin
        return None
    content_types = [e.get("ContentType", "") for e in root if e.get("ContentType")]
    if any(marker in t.lower() for t in content_types for marker in MACRO_MARKERS):
        raise UploadRefusedError(
            Refusal.MACROS,
            "The Office file is macro-enabled (DOCM, PPTM...): macros run code on the reader's "
            "computer; save it as DOCX or PPTX without macros",
        )
    return next((OFFICE_BY_MAIN_PART[t] for t in content_types if t in OFFICE_BY_MAIN_PART), None)


def _content_types(head: bytes) -> bytes | None:
    """The content types file if it is among the local entries in ``head``."""
    offset = 0
    while head.startswith(ZIP_MAGIC, offset) and offset + _LOCAL_HEADER.size <= len(head):
        fields = _LOCAL_HEADER.unpack_from(head, offset)
        flags, method, packed, name_length, extra_length = (
            fields[2],
            fields[3],
            fields[7],
            fields[9],
            fields[10],
        )
        name_start = offset + _LOCAL_HEADER.size
        data_start = name_start + name_length + extra_length
        name = head[name_start : name_start + name_length]
        if name == CONTENT_TYPES.encode():
            return _inflated(head[data_start:], method)
        if flags & 0x08:  # sizes follow the data: the next entry cannot be found from here
            return None
        offset = data_start + packed
    return None


def _inflated(data: bytes, method: int) -> bytes | None:
    if method == _STORED:
        return data[:_MAX_CONTENT_TYPES_BYTES]
    if method != _DEFLATED:
        return None
    try:
        return zlib.decompressobj(-15).decompress(data, _MAX_CONTENT_TYPES_BYTES)
    except zlib.error:
        return None


def check_archive(source: str, limits: UploadLimits) -> RenderOutput:
    """Run by the worker: the whole archive within the limits and free of macros. Nothing is
    made of an Office file (no preview): it is offered for download as it is."""
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnusableFileError(f"The Office file is not a readable ZIP archive: {error}") from None
    try:
        limits.check_archive(len(entries), sum(e.file_size for e in entries))
    except UploadRefusedError as error:
        raise UnusableFileError(error.message) from None
    if any("vbaproject" in e.filename.lower() for e in entries):
        raise UnusableFileError("The Office file carries macros (a VBA project): refused")
    if CONTENT_TYPES not in {e.filename for e in entries}:
        raise UnusableFileError(f"The Office file has no {CONTENT_TYPES}")
    return RenderOutput(None, None, None, ())
