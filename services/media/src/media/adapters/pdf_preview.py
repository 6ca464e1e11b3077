"""A PDF's preview: its first page drawn by a helper process (``pdf_page``), then the usual
image renditions of that picture.

Decided here: a PDF that PDFium cannot open or draw (broken, or its first page is) is
rejected like an image that does not decode; a password-protected PDF is a legitimate
document its owner chose to lock, so it is kept and offered for download without a preview.
"""

from __future__ import annotations

import sys
from pathlib import Path

from media.adapters import pdf_page
from media.adapters.imaging import render_image
from media.adapters.rendered import RenderOutput, UnusableFileError
from media.adapters.subprocesses import HelperFailedError, HelperTimeoutError, run_helper

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
    return RenderOutput(None, None, still.blurhash, still.files)
