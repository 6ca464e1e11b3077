"""A body as an upload's chunks."""

from __future__ import annotations

from collections.abc import AsyncIterator


async def chunks_of(data: bytes, size: int = 10_000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]
