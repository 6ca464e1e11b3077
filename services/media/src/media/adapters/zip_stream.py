"""The press kit as a ZIP made while it streams (zipstream-ng), its length known up front.

Files are stored, not deflated (pictures and PDFs are compressed already), so the library
knows the ZIP's exact length before the first byte and ``Content-Length`` can say it. It reads
each file only as the client takes the bytes: never more than a storage chunk of a file is
held. zipstream-ng iterates synchronously, so the server runs the ZIP in a worker thread
(Starlette does, for a plain iterator) and each file's chunks are fetched from storage on the
event loop (``anyio.from_thread``).

Every entry is dated 1980-01-01 (the ZIP epoch, as reproducible builds do) instead of the
moment of the request: the same kit is then the same bytes every time, so its ETag is strong.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio.from_thread
from zipstream import ZIP_STORED, ZipStream
from zipstream import ng as zipstream_ng

from media.domain.press_kit import MANIFEST_JSON, MANIFEST_TEXT
from media.service.ports import StoredContent
from media.service.press_kit import PressKit

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class _ReproducibleInfo(zipstream_ng.ZipStreamInfo):  # type: ignore[misc]
    """zipstream-ng dates an entry added from memory or an iterator "now" and has no
    parameter to say otherwise; this class, put in its place, dates it at the ZIP epoch."""

    def __init__(self, filename: str, date_time: tuple[int, ...] | None = None) -> None:
        super().__init__(filename, date_time or ZIP_EPOCH)


zipstream_ng.ZipStreamInfo = _ReproducibleInfo


def zipped(kit: PressKit) -> tuple[int, Iterator[bytes]]:
    """The ZIP's exact length, and its bytes to iterate in a worker thread."""
    stream = ZipStream(compress_type=ZIP_STORED, sized=True)
    for entry, content in zip(kit.plan.entries, kit.contents, strict=True):
        stream.add(_pulled(content), entry.arcname, size=content.length)
    stream.add(kit.plan.manifest_json, MANIFEST_JSON)
    stream.add(kit.plan.manifest_text, MANIFEST_TEXT)
    return len(stream), iter(stream)


def _pulled(content: StoredContent) -> Iterator[bytes]:
    """A stored file's chunks for the worker thread, each fetched on the event loop."""
    chunks: AsyncIterator[bytes] = content.chunks()
    while True:
        chunk: Any = anyio.from_thread.run(_next_or_none, chunks)
        if chunk is None:
            return
        yield chunk


async def _next_or_none(chunks: AsyncIterator[bytes]) -> bytes | None:
    return await anext(chunks, None)
