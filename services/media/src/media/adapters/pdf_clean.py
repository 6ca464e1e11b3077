"""A PDF's public original: the same document without who made it and how it was edited.

Run as ``python -m media.adapters.pdf_clean <pdf> <target>`` by a rendition process, like
``pdf_page`` (a time limit, killed past it), after PDFium opened the file. qpdf (``pikepdf``)
rewrites it with the document information's personal and tool entries removed (author,
creator, producer: often an employee's name and the company's software) and without the XMP
metadata streams (the catalog's and every page's: edit history, document ids, names). Pages,
fonts, images, links and the title stay. Not cleaned: metadata inside embedded pictures and
attachments. The exit status says what happened; the target exists only on success.
"""

from __future__ import annotations

import sys

import pikepdf

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
        document.save(target, fix_metadata_version=False)
    return DONE


if __name__ == "__main__":
    sys.exit(clean(sys.argv[1], sys.argv[2]))
