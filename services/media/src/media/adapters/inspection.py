"""Telling a file's type by its content (``filetype``'s magic numbers), reading an image's
header with Pillow (no pixels decoded), and checking the whole file's structure from its
first and last bytes: truncated files and polyglots (a file that is also an archive or a web
page) are refused."""

from __future__ import annotations

import io
import re
import struct

import filetype
from PIL import Image

from media.adapters.office import ZIP_MAGIC, office_type
from media.domain.errors import Refusal, UploadRefusedError
from media.domain.kinds import ACCEPTED, REFUSED, FileType, accepted_list
from media.service.ports import ImageHeader

# filetype's names for the two HEIF brands we take.
_ALIASES = {"image/heif": "image/heic"}
_SVG = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype svg[^>]*>\s*)?<svg\b", re.I | re.S
)
# Markup a browser would run or render if it sniffed the file as a page.
_ACTIVE_MARKUP = re.compile(
    rb"<(script|html|body|iframe|svg|object|embed)\b|<\?php|<!doctype html", re.I
)
_ZIP_END = b"PK\x05\x06"  # a ZIP's end of central directory: the file is also an archive
_PNG_END = b"IEND\xaeB`\x82"
_JPEG_END = b"\xff\xd9"


class ContentInspector:
    def file_type(self, head: bytes) -> FileType:
        if _SVG.match(head[:4096]):
            raise UploadRefusedError(Refusal.UNSUPPORTED_TYPE, REFUSED["image/svg+xml"])
        if head.startswith(ZIP_MAGIC):  # an archive: only DOCX and PPTX are taken, told inside
            return _office(head)
        guessed = filetype.guess(head)
        mime = None if guessed is None else _ALIASES.get(guessed.mime, guessed.mime)
        if mime in REFUSED:
            raise UploadRefusedError(Refusal.UNSUPPORTED_TYPE, REFUSED[mime])
        if mime is None or mime not in ACCEPTED:
            told = "an unknown type" if mime is None else mime
            raise UploadRefusedError(
                Refusal.UNSUPPORTED_TYPE,
                f"The content is {told} (told by its bytes, not its name); accepted: "
                f"{accepted_list()}",
            )
        return ACCEPTED[mime]

    def image_header(self, file_type: FileType, head: bytes) -> ImageHeader | None:
        try:
            with Image.open(io.BytesIO(head)) as image:
                width, height = image.size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            message = f"The image has too many pixels: {error}"
            raise UploadRefusedError(Refusal.PIXEL_FLOOD, message) from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error):
            return None  # the header lies beyond the first bytes: the worker decodes it
        return ImageHeader(width, height)

    def check_whole(self, file_type: FileType, head: bytes, tail: bytes, size: int) -> None:
        if file_type.is_office:  # a ZIP by design: whole when its directory's end is there
            if _ZIP_END not in tail:
                raise _truncated(file_type)
            return
        if _ZIP_END in tail:
            raise _polyglot("a ZIP archive (a JAR, an Office file...)")
        if _ACTIVE_MARKUP.search(head) or _ACTIVE_MARKUP.search(tail):
            raise _polyglot("a web page or script")
        if not _ends_whole(file_type, head, tail, size):
            raise _truncated(file_type)


def _office(head: bytes) -> FileType:
    content_type = office_type(head)
    if content_type is None:
        raise UploadRefusedError(
            Refusal.UNSUPPORTED_TYPE,
            "The content is a ZIP archive but not a DOCX or PPTX (told by its "
            f"[Content_Types].xml, not its name); accepted: {accepted_list()}",
        )
    return ACCEPTED[content_type]


def _truncated(file_type: FileType) -> UploadRefusedError:
    return UploadRefusedError(
        Refusal.TRUNCATED,
        f"The {file_type.extension.upper()} file is incomplete: it breaks off before "
        "its end (an interrupted upload or a damaged file)",
    )


def _polyglot(what: str) -> UploadRefusedError:
    return UploadRefusedError(
        Refusal.POLYGLOT, f"The file is also {what} besides what it claims to be: refused"
    )


def _ends_whole(file_type: FileType, head: bytes, tail: bytes, size: int) -> bool:
    """Whether the format's end marker (or declared length) is there; formats without one
    (ISO media files: AVIF, HEIC) are checked when the worker decodes them."""
    end = tail.rstrip(b"\x00\r\n\t ")  # padding some writers leave after the marker
    match file_type.extension:
        case "jpg":
            return end.endswith(_JPEG_END)
        case "png":
            return end.endswith(_PNG_END)
        case "gif":
            return end.endswith(b";")
        case "webp":
            return len(head) >= 8 and struct.unpack("<I", head[4:8])[0] + 8 == size
        case "pdf":
            return b"%%EOF" in tail[-1024:]
        case "mp4" | "mov":
            return _boxes_fit(head, tail, size)
        case _:
            return True


def _boxes_fit(head: bytes, tail: bytes, size: int) -> bool:
    """Whether an ISO media file's top-level boxes (ftyp, moov, mdat...) end exactly at its
    end, walked as far as their headers lie in the bytes at hand (``head`` and ``tail``); one
    past the end is a truncated upload. Where a header lies in neither, ffmpeg decides."""
    tail_start = size - len(tail)
    offset = 0
    while offset < size:
        if offset + 16 <= len(head):
            header = head[offset : offset + 16]
        elif offset >= tail_start and offset + 8 <= size:
            header = tail[offset - tail_start : offset - tail_start + 16]
        else:  # its header cut off by the end (truncated), or in bytes not at hand
            return offset < tail_start
        box = struct.unpack(">I", header[:4])[0]
        if box == 1 and len(header) >= 16:  # a 64-bit size follows the type
            box = struct.unpack(">Q", header[8:16])[0]
        elif box == 0:  # the box runs to the end of the file
            return True
        if box < 8:
            return False
        offset += box
    return offset == size
