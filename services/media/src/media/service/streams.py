"""Reading an upload's body as it arrives: its first bytes for the type, its last for the
structure checks, its digest and size; never the whole body in memory."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

HEAD_BYTES = 256 * 1024  # enough for an image header behind the usual EXIF/ICC/XMP segments
TAIL_BYTES = 64 * 1024 + 22  # a ZIP's end record lies within the last 65,557 bytes


async def read_head(chunks: AsyncIterator[bytes], size: int = HEAD_BYTES) -> bytes:
    """Up to ``size`` first bytes (fewer only when the body is shorter)."""
    head = bytearray()
    while len(head) < size:
        chunk = await anext(chunks, None)
        if chunk is None:
            break
        head += chunk
    return bytes(head)


class Tally:
    """Size, SHA-256 and the last ``TAIL_BYTES`` of everything counted."""

    def __init__(self) -> None:
        self.size = 0
        self._hash = hashlib.sha256()
        self._tail = bytearray()

    def count(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self._hash.update(chunk)
        self._tail += chunk
        if len(self._tail) > TAIL_BYTES:
            del self._tail[: len(self._tail) - TAIL_BYTES]

    @property
    def digest(self) -> str:
        return self._hash.hexdigest()

    @property
    def tail(self) -> bytes:
        return bytes(self._tail)
