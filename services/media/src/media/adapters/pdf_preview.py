"""A PDF's preview: its first page drawn by a helper process (``pdf_page``), then the usual
image renditions of that picture; and its public original, rewritten without its personal
metadata by another helper process (``pdf_clean``).

Decided here: a PDF that PDFium cannot open or draw (broken, or its first page is) is
rejected like an image that does not decode; a password-protected PDF is a legitimate
document its owner chose to lock, so it is kept and offered for download without a preview.
"""

from __future__ import annotations

import sys
from pathlib import Path

from media.adapters import pdf_clean, pdf_page
from media.adapters.imaging import render_image
from media.adapters.rendered import RenderedFile, RenderOutput, UnusableFileError, rendered_file
from media.adapters.subprocesses import HelperFailedError, HelperTimeoutError, run_helper
from media.domain.renditions import PUBLIC_ORIGINAL

_REASONS = {
    pdf_page.BROKEN: "The PDF does not open or its first page cannot be drawn",
    pdf_page.TOO_LARGE: "The PDF's first page is too large to draw",
}


class UnusablePdfError(UnusableFileError):
    """PDFium cannot open or draw the PDF within its limits."""


def render_pdf(source: str, out_dir: str, max_pixels: int, timeout_s: float) -> RenderOutput:
    page = Path(out_dir) / "page-1.png"
    command = [sys.executable, "-m", pdf_page.__name__, source, str(page), str(max_pixels)]
    try:
        run_helper(command, timeout_s)
    except HelperTimeoutError as error:
        raise UnusablePdfError(f"The PDF's first page could not be drawn: it {error}") from None
    except HelperFailedError as error:
        if error.returncode == pdf_page.ENCRYPTED:
            return RenderOutput(None, None, None, ())  # kept, without a preview
        reason = _REASONS.get(error.returncode)
        if reason is None:  # the helper itself failed (a crash): a passing error, tried again
            raise
        raise UnusablePdfError(reason) from None
    still = render_image(str(page), out_dir)
    cleaned = clean_pdf(source, out_dir, timeout_s)
    return RenderOutput(None, None, still.blurhash, (*still.files, cleaned))


def clean_pdf(source: str, out_dir: str, timeout_s: float) -> RenderedFile:
    """The public original of a PDF PDFium opened: without author, creator, producer and XMP
    metadata. One qpdf cannot rewrite is rejected, as an image a cleaner cannot read is."""
    target = Path(out_dir) / f"{PUBLIC_ORIGINAL}.pdf"
    command = [sys.executable, "-m", pdf_clean.__name__, source, str(target)]
    try:
        run_helper(command, timeout_s)
    except HelperTimeoutError as error:
        reason = f"The PDF could not be rewritten without its metadata: it {error}"
        raise UnusablePdfError(reason) from None
    except HelperFailedError as error:
        if error.returncode not in (pdf_clean.BROKEN, pdf_clean.ENCRYPTED):
            raise  # the helper itself failed (a crash): a passing error, tried again
        raise UnusablePdfError("The PDF could not be rewritten without its metadata") from None
    return rendered_file(PUBLIC_ORIGINAL, target, "application/pdf", "pdf")
