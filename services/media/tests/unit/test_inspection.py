"""Types told by content, whatever the name; structure checks on the first and last bytes."""

from __future__ import annotations

import pytest
from media_support import corpus

from media.adapters.inspection import ContentInspector
from media.domain.errors import Refusal, UploadRefusedError

INSPECT = ContentInspector()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (corpus.jpeg(10, 10), "image/jpeg"),
        (corpus.png(10, 10), "image/png"),
        (corpus.other("GIF"), "image/gif"),
        (corpus.other("WEBP"), "image/webp"),
        (corpus.other("AVIF"), "image/avif"),
        (corpus.other("HEIF"), "image/heic"),
        (corpus.pdf(), "application/pdf"),
    ],
    ids=["jpeg", "png", "gif", "webp", "avif", "heic", "pdf"],
)
def test_accepted_types_pass_every_check(data: bytes, content_type: str) -> None:
    file_type = INSPECT.file_type(data)
    assert file_type.content_type == content_type
    INSPECT.check_whole(file_type, data, data[-65_558:], len(data))
    if file_type.is_image:
        header = INSPECT.image_header(file_type, data)
        assert header is not None
        assert header.width > 0


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        (corpus.svg(), Refusal.UNSUPPORTED_TYPE),
        (b"  \n<svg xmlns='http://www.w3.org/2000/svg'/>", Refusal.UNSUPPORTED_TYPE),
        (corpus.html_named_jpg(), Refusal.UNSUPPORTED_TYPE),
        (b"PK\x03\x04" + b"\x00" * 100, Refusal.UNSUPPORTED_TYPE),
        (corpus.pixel_bomb(), Refusal.PIXEL_FLOOD),
        (corpus.polyglot_zip(), Refusal.POLYGLOT),
        (corpus.polyglot_html(), Refusal.POLYGLOT),
        (corpus.truncated_jpeg(), Refusal.TRUNCATED),
        (corpus.png(50, 50)[:-20], Refusal.TRUNCATED),
        (corpus.other("GIF")[:-1], Refusal.TRUNCATED),
        (corpus.other("WEBP")[:-10], Refusal.TRUNCATED),
        (corpus.pdf()[:-30], Refusal.TRUNCATED),
    ],
    ids=[
        "svg",
        "bare svg",
        "html",
        "zip",
        "pixel bomb",
        "zip polyglot",
        "html polyglot",
        "cut jpeg",
        "cut png",
        "cut gif",
        "cut webp",
        "cut pdf",
    ],
)
def test_refused(data: bytes, refusal: Refusal) -> None:
    with pytest.raises(UploadRefusedError) as refused:
        inspect_all(data)
    assert refused.value.refusal is refusal


def inspect_all(data: bytes) -> None:
    """Every check the upload makes, in its order."""
    file_type = INSPECT.file_type(data)
    if file_type.is_image:
        INSPECT.image_header(file_type, data)
    INSPECT.check_whole(file_type, data, data[-65_558:], len(data))
