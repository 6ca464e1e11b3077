"""The sweeper: files whose item never recorded them (a process died between storing a file
and committing its item) are deleted; those recorded after all are kept, and so are the
segments a resumable upload records."""

from __future__ import annotations

from datetime import timedelta

from media.service.ports import Deps, PendingFile, UnitOfWork


async def sweep(uow: UnitOfWork, deps: Deps, *, older_than_s: float, limit: int) -> int:
    """One pass over files pending for longer than ``older_than_s``; how many it settled.

    ``older_than_s`` is far longer than the seconds between a file's last byte and its item's
    commit, so a file still on its way is never taken for an orphan."""
    before = deps.clock.now() - timedelta(seconds=older_than_s)
    found = await deps.storage.pending(before, limit)
    for pending in found:
        if await _recorded(uow, pending):
            await deps.storage.keep(pending.tenant_id, [pending.file_id])
        else:
            await deps.storage.delete(pending.tenant_id, [pending.file_id])
    return len(found)


async def _recorded(uow: UnitOfWork, pending: PendingFile) -> bool:
    """Whether the file's item records it, or (a segment) the resumable upload it is part of
    (an item made of a resumable upload has the upload's id)."""
    async with uow:
        item = await uow.media.get(pending.tenant_id, pending.media_id)
        upload = await uow.resumable.get(pending.tenant_id, pending.media_id)
    if item is not None and any(f.file_id == pending.file_id for f in item.files):
        return True
    return upload is not None and any(s.file_id == pending.file_id for s in upload.segments)
