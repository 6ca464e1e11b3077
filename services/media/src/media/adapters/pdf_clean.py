"""A PDF's public original: the same document without who made it and how it was edited.

Run as ``python -m media.adapters.pdf_clean <pdf> <target>`` by a rendition process, like
``pdf_page`` (a time limit, killed past it), after PDFium opened the file. qpdf (``pikepdf``)
rewrites it with the document information's personal and tool entries removed (author,
creator, producer: often an employee's name and the company's software) and without the XMP
metadata streams (the catalog's and every page's: edit history, document ids, names), and
its JPEG pictures (``DCTDecode`` streams: a photo's EXIF GPS and serials ride along inside
them) go through the uploaded pictures' JPEG cleaner. Pages, fonts, pictures' pixels, links
and the title stay. Not cleaned: attachments, and pictures in other encodings. The exit status
says what happened; the target exists only on success.
"""

from __future__ import annotations

import sys

import pikepdf

from media.adapters.cleaning import clean_jpeg
from media.adapters.imaging import UnusableImageError

DONE, ENCRYPTED, BROKEN = 0, 10, 11
PERSONAL_INFO = ("/Author", "/Creator", "/Producer")


def clean(source: str, target: str) -> int:
    try:
        document = pikepdf.open(source)
    except pikepdf.PasswordError:
        return ENCRYPTED
    except pikepdf.PdfError:
        return BROKEN
    with document:
        for key in PERSONAL_INFO:
            if key in document.docinfo:
                del document.docinfo[key]
        if "/Metadata" in document.Root:
            del document.Root.Metadata
        for page in document.pages:
            if "/Metadata" in page.obj:
                del page.obj.Metadata
        for found in document.objects:
            if isinstance(found, pikepdf.Stream) and found.get("/Filter") == pikepdf.Name.DCTDecode:
                _clean_picture(found)
        document.save(target, fix_metadata_version=False)
    return DONE


def _clean_picture(stream: pikepdf.Stream) -> None:
    """A JPEG inside the PDF without its metadata segments (left as it is if it does not
    parse: PDF readers draw what they can)."""
    try:
        cleaned = clean_jpeg(stream.read_raw_bytes())
    except UnusableImageError:
        return
    stream.write(cleaned, filter=pikepdf.Name.DCTDecode)


if __name__ == "__main__":
    sys.exit(clean(sys.argv[1], sys.argv[2]))
