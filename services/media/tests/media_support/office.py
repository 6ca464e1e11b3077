"""Office files made by the tests: a DOCX and a PPTX as small as Word and PowerPoint accept,
a macro-enabled one, a plain ZIP, and zip bombs (by entry count and by unpacked size)."""

from __future__ import annotations

import io
import zipfile

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def _content_types(main_part: str, main_type: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>'
        "</Types>"
    )


def _package(main_part: str, main_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _content_types(main_part, main_type))
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            f'Target="{main_part}"/></Relationships>',
        )
        package.writestr(main_part, "<document>Press release text</document>")
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()


def docx() -> bytes:
    return _package("word/document.xml", DOCX_MAIN)


def pptx() -> bytes:
    return _package("ppt/presentation.xml", PPTX_MAIN)


def docm() -> bytes:
    """Macro-enabled: its main part says so, and it carries a VBA project."""
    return _package("word/document.xml", DOCM_MAIN, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})


def docx_hiding_macros() -> bytes:
    """Says DOCX, but carries a VBA project beyond the first bytes: found by the worker."""
    return _package("word/document.xml", DOCX_MAIN, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not an office file")
    return out.getvalue()


def docx_bomb_by_entries(entries: int) -> bytes:
    """A DOCX with ``entries`` empty parts besides its own."""
    return _package("word/document.xml", DOCX_MAIN, {f"word/p{i}.xml": b"" for i in range(entries)})


def docx_bomb_by_size(unpacked_bytes: int) -> bytes:
    """A DOCX one of whose parts is ``unpacked_bytes`` of zeros (a few KB once deflated)."""
    out = io.BytesIO(_package("word/document.xml", DOCX_MAIN))
    block = b"\x00" * (1024 * 1024)
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package,
        package.open("word/media/zeros.bin", "w", force_zip64=True) as part,
    ):
        for _ in range(unpacked_bytes // len(block)):
            part.write(block)
    return out.getvalue()


def with_content_types(listing: bytes) -> bytes:
    """A ZIP whose ``[Content_Types].xml`` is ``listing`` (broken XML, an entity bomb...)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", listing)
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY a "' + DOCX_MAIN.encode() + b'">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" ContentType="&b;"/></Types>'
)


CORE_WITH_AUTHORS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp='
    b'"http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc='
    b'"http://purl.org/dc/elements/1.1/"><dc:title>Launch</dc:title><dc:creator>Jane-Secret'
    b"</dc:creator><cp:lastModifiedBy>jsecret-login</cp:lastModifiedBy></cp:coreProperties>"
)


def docx_with_authors() -> bytes:
    """A DOCX whose core properties name who wrote it and who saved it last."""
    return _package("word/document.xml", DOCX_MAIN, {"docProps/core.xml": CORE_WITH_AUTHORS})


def with_parts(package: bytes, parts: dict[str, bytes]) -> bytes:
    """``package`` with ``parts`` added (pictures a document embeds, say)."""
    out = io.BytesIO(package)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()
