"""The renderer: the original copied from storage to a scratch folder, its renditions made in
a process pool (CPU work never on the event loop), then streamed into storage."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from functools import partial
from pathlib import Path

import anyio

from media.adapters.cleaning import clean_image
from media.adapters.imaging import render_image
from media.adapters.office import check_archive
from media.adapters.office_cleaning import clean_office
from media.adapters.pdf_preview import render_pdf
from media.adapters.pillow_setup import configure_pillow
from media.adapters.rendered import RenderedFile, RenderOutput, UnusableFileError
from media.adapters.video import render_video
from media.domain.item import MediaItem
from media.domain.kinds import Kind
from media.domain.limits import UploadLimits
from media.domain.renditions import StoredFile
from media.service.ports import LocalFile, Rendered, RenderFailedError, Storage

logger = logging.getLogger(__name__)
# Beyond a helper's own limit (it is killed then): the time to start it and read its result.
JOB_MARGIN_S = 30.0
Job = Callable[[str, str], RenderOutput]  # (the original's path, the scratch folder)


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
    """Images are rendered in the pool's processes; videos and PDFs by a helper program that a
    pool process starts, waits for and kills at its time limit; Office files are checked."""

    def __init__(
        self,
        storage: Storage,
        pool: ProcessPool,
        *,
        limits: UploadLimits,
        timeout_s: float,
        video_timeout_s: float,
    ) -> None:
        self._storage = storage
        self._pool = pool
        self._limits = limits
        self._timeout_s = timeout_s
        self._video_timeout_s = video_timeout_s

    async def render(self, item: MediaItem) -> Rendered:
        job, timeout_s = self._job(item)
        with tempfile.TemporaryDirectory(prefix="media-") as scratch:
            source = Path(scratch) / "original"
            await self._copy_original(item, source)
            output = await self._run(job, str(source), scratch, timeout_s)
            files = await self._store(item, output.files)
        return Rendered(files, output.width, output.height, output.blurhash, output.video)

    def _job(self, item: MediaItem) -> tuple[Job, float]:
        """What runs in a pool process for the item, and how long the pool waits for it."""
        pixels = self._limits.max_image_pixels
        if item.kind is Kind.IMAGE:
            return partial(_image_job, item.content_type, item.original.extension), self._timeout_s
        if item.kind is Kind.VIDEO:
            timeout_s = self._video_timeout_s
            job = partial(_video_job, item.content_type, pixels, timeout_s)
            # Each ffmpeg run has its own limit; the job runs several (the probes and the poster
            # are short, the transcoding long): this wait is only a backstop.
            return job, 2 * timeout_s + JOB_MARGIN_S
        if item.content_type == "application/pdf":
            return partial(_pdf_job, pixels, self._timeout_s), self._timeout_s + JOB_MARGIN_S
        job = partial(_archive_job, self._limits, item.content_type, item.original.extension)
        return job, self._timeout_s

    async def _copy_original(self, item: MediaItem, target: Path) -> None:
        content = await self._storage.open(item.tenant_id, item.original.file_id)
        if content is None:
            raise RenderFailedError("The original is no longer stored")
        async with await anyio.open_file(target, "wb") as out:
            async for chunk in content.chunks():
                await out.write(chunk)

    async def _run(self, job: Job, source: str, out_dir: str, timeout_s: float) -> RenderOutput:
        loop = asyncio.get_running_loop()
        try:
            running = loop.run_in_executor(self._pool.executor(), job, source, out_dir)
            return await asyncio.wait_for(running, timeout_s)
        except UnusableFileError as error:
            raise RenderFailedError(str(error)) from None
        except BrokenProcessPool:
            logger.warning("a rendition process died; the pool is replaced")
            self._pool.replace()
            raise

    async def _store(
        self, item: MediaItem, rendered: tuple[RenderedFile, ...]
    ) -> tuple[StoredFile, ...]:
        """All of the item's new files in one call: the storage writes them together."""
        local = [LocalFile(r.name, r.content_type, r.path) for r in rendered]
        file_ids = await self._storage.store(item.tenant_id, item.media_id, local)
        return tuple(
            StoredFile(
                name=r.name,
                file_id=file_id,
                content_type=r.content_type,
                extension=r.extension,
                digest=r.digest,
                bytes=r.bytes,
                width=r.width,
                height=r.height,
            )
            for r, file_id in zip(rendered, file_ids, strict=True)
        )


# The jobs, as top-level functions a pool process can be sent (arguments first, then the
# original's path and the scratch folder).
def _image_job(content_type: str, extension: str, source: str, out_dir: str) -> RenderOutput:
    """The renditions, and the public original (the upload without personal metadata)."""
    output = render_image(source, out_dir)
    cleaned = clean_image(source, out_dir, content_type, extension)
    return replace(output, files=(*output.files, cleaned))


def _video_job(
    content_type: str, max_pixels: int, timeout_s: float, source: str, out_dir: str
) -> RenderOutput:
    return render_video(source, out_dir, content_type, max_pixels, timeout_s)


def _pdf_job(max_pixels: int, timeout_s: float, source: str, out_dir: str) -> RenderOutput:
    return render_pdf(source, out_dir, max_pixels, timeout_s)


def _archive_job(
    limits: UploadLimits, content_type: str, extension: str, source: str, out_dir: str
) -> RenderOutput:
    """Checked (bombs, macros), then its public original: the authors' names blanked."""
    checked = check_archive(source, limits)
    return replace(checked, files=(clean_office(source, out_dir, content_type, extension),))
