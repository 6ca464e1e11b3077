"""Local files (a worker's renditions in its scratch folder) copied into storage."""

from __future__ import annotations

import anyio

from media.service.ports import FileWriter

READ_BYTES = 1024 * 1024  # what one read of the local file holds


async def copy_into(writer: FileWriter, path: str) -> None:
    """The file's bytes written to ``writer``, read a piece at a time (a video may be
    large); the writer is not closed."""
    async with await anyio.open_file(path, "rb") as source:
        while piece := await source.read(READ_BYTES):
            await writer.write(piece)
