"""Resumable uploads, their end: every byte in, the item is made of the segments (by the
request that brought the last byte, or by the sweep when that one died); refused, nothing
stays and ``MediaRejected`` says why; expired, the bytes go.

The segments are read back in order as one body and taken like a streamed upload
(``uploads.upload``: the same content checks, quota and ``MediaUploaded``) under the upload's
id as the item's id.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from media.domain.errors import UploadRefusedError
from media.domain.fields import AssetFields
from media.domain.item import MediaItem
from media.domain.resumable import ResumableUpload
from media.service import uploads
from media.service.ports import Caller, Deps, Storage, UnitOfWork
from newsroom_shared.events.media import MediaRejected

# How long the request that received an upload's last byte holds it while making its item
# (reading the segments back and storing the original: seconds for the largest upload); a
# holder that died lets the expiry sweep take it after this.
TAKE_HOLD_S = 600.0


async def take(uow: UnitOfWork, deps: Deps, caller: Caller, upload: ResumableUpload) -> MediaItem:
    """Every byte is in: make the item of the segments, then drop them. The caller holds the
    upload (``append`` that received its last byte, or ``take_stalled``)."""
    async with uow:
        made = await uow.media.get(caller.tenant_id, upload.upload_id)
    if made is not None:  # a holder died after making the item: only the cleanup is left
        await _taken(uow, deps, upload, made)
        return made
    try:
        item = await uploads.upload(
            uow,
            deps,
            caller,
            _body(deps.storage, upload),
            filename=upload.filename,
            announced_bytes=upload.length,
            media_id=upload.upload_id,
            fields=AssetFields(title=upload.title),
        )
    except UploadRefusedError as refusal:
        await reject(uow, deps, upload, refusal)
        raise
    await _taken(uow, deps, upload, item)
    return item


async def take_stalled(uow: UnitOfWork, deps: Deps, *, limit: int) -> int:
    """Make the items of received uploads whose holder died (the request or sweep that took
    the last byte); how many were taken up."""
    now = deps.clock.now()
    async with uow:
        found = await uow.resumable.stalled(now, limit)
    taken = 0
    for upload in found:
        async with uow:
            held = await uow.resumable.hold(upload, now, now + timedelta(seconds=TAKE_HOLD_S))
        if not held:
            continue  # another replica's sweep, or the item came meanwhile
        with contextlib.suppress(UploadRefusedError):  # rejected: announced, bytes gone
            await take(uow, deps, Caller(upload.tenant_id), upload)
        taken += 1
    return taken


async def sweep_expired(uow: UnitOfWork, deps: Deps, *, limit: int) -> int:
    """Forget uploads past their expiry and delete their bytes; how many."""
    now = deps.clock.now()
    async with uow:
        found = await uow.resumable.expired(now, limit)
    swept = 0
    for upload in found:
        async with uow:
            removed = await uow.resumable.remove(upload.tenant_id, upload.upload_id, expired_by=now)
        if removed is not None:
            await drop_segments(deps.storage, removed)
            swept += 1
    return swept


async def _taken(uow: UnitOfWork, deps: Deps, upload: ResumableUpload, item: MediaItem) -> None:
    async with uow:
        await uow.resumable.taken(upload.tenant_id, upload.upload_id, item.media_id)
    await drop_segments(deps.storage, upload)


async def _body(storage: Storage, upload: ResumableUpload) -> AsyncIterator[bytes]:
    """The segments' bytes in order, as one body."""
    for segment in upload.segments:
        content = await storage.open(upload.tenant_id, segment.file_id)
        if content is None:
            raise OSError(f"segment {segment.file_id} of upload {upload.upload_id} is missing")
        async for chunk in content.chunks():
            yield chunk


async def reject(
    uow: UnitOfWork, deps: Deps, upload: ResumableUpload, refusal: UploadRefusedError
) -> None:
    async with uow:
        await uow.resumable.remove(upload.tenant_id, upload.upload_id)
        uow.emit(
            MediaRejected(
                tenant_id=upload.tenant_id,
                media_id=upload.upload_id,
                reason=refusal.message,
                rejected_at=deps.clock.now(),
            )
        )
    await drop_segments(deps.storage, upload)


async def drop_segments(storage: Storage, upload: ResumableUpload) -> None:
    if upload.segments:
        await storage.delete(upload.tenant_id, [s.file_id for s in upload.segments])
