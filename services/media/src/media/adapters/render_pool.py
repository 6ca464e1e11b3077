"""The renderer: the original copied from storage to a scratch folder, its renditions made in
a process pool (CPU work never on the event loop), then streamed into storage."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import anyio

from media.adapters.imaging import RenderedFile, RenderOutput, UnusableImageError, render_image
from media.adapters.pillow_setup import configure_pillow
from media.domain.item import MediaItem
from media.domain.kinds import Kind
from media.domain.renditions import StoredFile
from media.service.ports import Rendered, RenderFailedError, Storage

logger = logging.getLogger(__name__)
COPY_CHUNK = 1024 * 1024


class ProcessPool:
    """A process pool that replaces itself when one of its processes dies (a killed process
    breaks the whole pool)."""

    def __init__(self, processes: int, max_image_pixels: int) -> None:
        self._processes = processes
        self._max_image_pixels = max_image_pixels
        self._pool: ProcessPoolExecutor | None = None

    def executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self._processes,
                # Not fork: this process runs threads (the database driver's), which fork copies
                # in whatever state they are.
                mp_context=multiprocessing.get_context("spawn"),
                initializer=configure_pillow,
                initargs=(self._max_image_pixels,),
            )
        return self._pool

    def replace(self) -> None:
        broken, self._pool = self._pool, None
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)

    async def stop(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


class PoolRenderer:
    def __init__(self, storage: Storage, pool: ProcessPool, *, timeout_s: float) -> None:
        self._storage = storage
        self._pool = pool
        self._timeout_s = timeout_s

    async def render(self, item: MediaItem) -> Rendered:
        if item.kind is not Kind.IMAGE:
            return Rendered((), item.width, item.height, None)  # documents: the original only
        with tempfile.TemporaryDirectory(prefix="media-") as scratch:
            source = Path(scratch) / "original"
            await self._copy_original(item, source)
            output = await self._run(str(source), scratch)
            files = [await self._store(item, f) for f in output.files]
        return Rendered(tuple(files), output.width, output.height, output.blurhash)

    async def _copy_original(self, item: MediaItem, target: Path) -> None:
        content = await self._storage.open(item.tenant_id, item.original.file_id)
        if content is None:
            raise RenderFailedError("The original is no longer stored")
        async with await anyio.open_file(target, "wb") as out:
            async for chunk in content.chunks():
                await out.write(chunk)

    async def _run(self, source: str, out_dir: str) -> RenderOutput:
        loop = asyncio.get_running_loop()
        try:
            job = loop.run_in_executor(self._pool.executor(), render_image, source, out_dir)
            return await asyncio.wait_for(job, self._timeout_s)
        except UnusableImageError as error:
            raise RenderFailedError(str(error)) from None
        except BrokenProcessPool:
            logger.warning("a rendition process died; the pool is replaced")
            self._pool.replace()
            raise

    async def _store(self, item: MediaItem, rendered: RenderedFile) -> StoredFile:
        writer = await self._storage.create(
            item.tenant_id, item.media_id, rendered.name, rendered.content_type
        )
        try:
            async with await anyio.open_file(rendered.path, "rb") as source:
                while chunk := await source.read(COPY_CHUNK):
                    await writer.write(chunk)
            await writer.close()
        except BaseException:
            await writer.abort()
            raise
        return StoredFile(
            name=rendered.name,
            file_id=writer.file_id,
            content_type=rendered.content_type,
            extension=rendered.extension,
            digest=rendered.digest,
            bytes=rendered.bytes,
            width=rendered.width,
            height=rendered.height,
        )
