"""The press kit's ZIP (the adapter, on fake storage): its length is known before a byte is
made and is what it makes; its entries are dated at the ZIP epoch, so it is the same bytes
each time; it opens with zipfile."""

from __future__ import annotations

import io
import zipfile

import anyio.to_thread
from media_support import corpus
from media_support.chunks import chunks_of
from media_support.releases import published

from media.adapters.zip_stream import ZIP_EPOCH, zipped
from media.service.ports import Caller
from media.service.press_kit import open_press_kit
from media.service.processing import process_next
from media.service.releases import release_changed
from media.service.serving import Proof
from media.service.uploads import upload


async def made(uow, deps) -> tuple[int, bytes]:
    kit = await open_press_kit(uow, deps, "tenant-a", "r1", Proof())
    length, body = zipped(kit)
    return length, await anyio.to_thread.run_sync(lambda: b"".join(body))


async def test_the_zip_is_as_long_as_said_and_the_same_each_time(uow, deps, renderer) -> None:
    photo = corpus.jpeg(80, 60)
    item = await upload(
        uow, deps, Caller("tenant-a"), chunks_of(photo), filename="p.jpg", announced_bytes=None
    )
    await process_next(uow, uow, deps, renderer, instance="w", lease_s=60)
    await release_changed(uow, published("r1", [item.media_id]))

    length, data = await made(uow, deps)
    assert len(data) == length
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read("01-p.jpg") == b"x" * 10  # the public original the fake made, not it
    assert photo not in data
    assert {info.date_time for info in archive.infolist()} == {ZIP_EPOCH}
    assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
    assert (await made(uow, deps))[1] == data
