"""A PDF's first page as a PNG, made by PDFium (``pypdfium2``) in a helper process.

Run as ``python -m media.adapters.pdf_page <pdf> <png> <max pixels>`` by a rendition process,
which gives it a time limit and kills it past that: PDFium renders a page in one call that
nothing in the same process could interrupt. The page is drawn to fit the largest image
rendition, so its pixels are bounded whatever size the page declares. The exit status says
what happened (below); the PNG exists only on success.
"""

from __future__ import annotations

import sys

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from media.domain.renditions import IMAGE_RENDITIONS

DONE, ENCRYPTED, BROKEN, TOO_LARGE = 0, 10, 11, 12
_FIT = max(max(spec.width, spec.height) for spec in IMAGE_RENDITIONS)  # the web size: 1600


def render_first_page(source: str, target: str, max_pixels: int) -> int:
    try:
        document = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as error:
        return ENCRYPTED if error.err_code == pdfium_c.FPDF_ERR_PASSWORD else BROKEN
    try:
        if len(document) == 0:
            return BROKEN
        page = document[0]
        width_pt, height_pt = page.get_size()
        if width_pt <= 0 or height_pt <= 0:
            return BROKEN
        scale = _FIT / max(width_pt, height_pt)
        if round(width_pt * scale) * round(height_pt * scale) > max_pixels:
            return TOO_LARGE
        page.render(scale=scale, may_draw_forms=False).to_pil().save(target, "PNG")
        return DONE
    except pdfium.PdfiumError:
        return BROKEN
    finally:
        document.close()


if __name__ == "__main__":
    sys.exit(render_first_page(sys.argv[1], sys.argv[2], int(sys.argv[3])))
