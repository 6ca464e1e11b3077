"""The sweeper on in-memory fakes: orphans go, recorded files stay, recent ones wait."""

from __future__ import annotations

from datetime import timedelta

from media_support import corpus
from media_support.chunks import chunks_of

from media.service.ports import Caller
from media.service.sweeping import sweep
from media.service.uploads import upload

A = Caller("tenant-a")


async def test_orphans_go_and_recorded_files_stay(uow, deps, storage, clock) -> None:
    item = await upload(
        uow, deps, A, chunks_of(corpus.jpeg(64, 64)), filename=None, announced_bytes=None
    )
    assert not storage.files[item.original.file_id].pending  # recorded: kept at once
    orphan = await storage.create("tenant-a", "never-committed", "original", "image/png")
    await orphan.write(b"bytes of an upload whose process died")
    await orphan.close()
    storage.files[item.original.file_id].pending = True  # died between commit and keep

    assert await sweep(uow, deps, older_than_s=3600, limit=10) == 0  # too recent to judge
    clock.advance(timedelta(hours=2))
    assert await sweep(uow, deps, older_than_s=3600, limit=10) == 2
    assert orphan.file_id not in storage.files
    assert not storage.files[item.original.file_id].pending
    assert await sweep(uow, deps, older_than_s=3600, limit=10) == 0
