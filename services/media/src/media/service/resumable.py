"""Resumable uploads (tus 1.0): create, take a piece at an offset, tell the offset, end.

Each piece is stored as a segment through the storage port as it streams, then recorded on
the upload if the upload is still where the piece began (``append``'s condition): so pieces
may reach any replica, and a piece cut off midway keeps what arrived (the client asks for the
offset and goes on from there). When the last byte is in, the segments are read back in
order as one body and taken like a streamed upload (``uploads.upload``: the same content
checks, quota and ``MediaUploaded``); a refused body leaves no bytes and emits
``MediaRejected`` under the id the item would have had. The first piece's bytes are sniffed
already, so a type not taken (or too large for its kind) is refused then, not at the end.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from media.domain.errors import MediaNotFoundError, Refusal, UploadRefusedError
from media.domain.fields import AssetFields
from media.domain.ids import new_id
from media.domain.item import MediaItem
from media.domain.resumable import OffsetMismatchError, ResumableUpload, Segment
from media.service import uploads
from media.service.ports import Caller, Deps, FileWriter, Storage, UnitOfWork
from newsroom_shared.events.media import MediaRejected

SEGMENT_TYPE = "application/octet-stream"  # a piece of a file not yet told by its content
# How long the request that received an upload's last byte holds it while making its item
# (reading the segments back and storing the original: seconds for the largest upload); a
# holder that died lets the expiry sweep take it after this.
TAKE_HOLD_S = 600.0
SNIFF_BYTES = 8192  # what telling a type by its magic bytes reads (filetype's own bound)


async def create(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller,
    *,
    length: int,
    filename: str | None,
    title: str,
    expire_s: float,
) -> ResumableUpload:
    """A new upload of ``length`` bytes, refused at once past the largest upload taken or
    the tenant's quota (counting its unfinished uploads' declared lengths)."""
    if length == 0:
        raise UploadRefusedError(Refusal.EMPTY, "The upload is empty (Upload-Length: 0)")
    largest = deps.limits.largest_upload()
    if length > largest:
        raise UploadRefusedError(Refusal.TOO_LARGE, f"An upload may be at most {largest} bytes")
    now = deps.clock.now()
    upload = ResumableUpload(
        tenant_id=caller.tenant_id,
        upload_id=new_id(),
        length=length,
        created_at=now,
        expires_at=now + timedelta(seconds=expire_s),
        filename=filename,
        title=title,
    )
    async with uow:
        # Bytes stored, and those the tenant's unfinished uploads may still bring: a tenant
        # cannot open uploads past its quota and fill storage until they expire.
        used = await uow.usage.used(caller.tenant_id)
        promised = await uow.resumable.promised(caller.tenant_id, now)
        deps.limits.check_quota(used + promised, length)
        await uow.resumable.add(upload)
    return upload


async def find(uow: UnitOfWork, deps: Deps, caller: Caller, upload_id: str) -> ResumableUpload:
    """The caller's upload, unless it expired (another tenant's is not found either)."""
    async with uow:
        upload = await uow.resumable.get(caller.tenant_id, upload_id)
    if upload is None or upload.expires_at <= deps.clock.now():
        raise MediaNotFoundError(f"No upload {upload_id}")
    return upload


async def append(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller,
    upload_id: str,
    *,
    offset: int,
    chunks: AsyncIterator[bytes],
    expire_s: float,
) -> ResumableUpload:
    """Store the piece beginning at ``offset``; the upload as it is then."""
    upload = await find(uow, deps, caller, upload_id)
    upload.check_offset(offset)
    writer = await deps.storage.create(caller.tenant_id, upload_id, f"part-{offset}", SEGMENT_TYPE)
    try:
        size, head = await _store_piece(writer, upload, chunks)
        if size == 0:
            await writer.abort()
            return upload
        now = deps.clock.now()
        advanced = upload.appended(
            Segment(writer.file_id, offset, size),
            expires_at=now + timedelta(seconds=expire_s),
            taking_until=now + timedelta(seconds=TAKE_HOLD_S),
        )
        async with uow:
            if not await uow.resumable.append(advanced, from_offset=offset):
                raise OffsetMismatchError(f"The upload moved past offset {offset} meanwhile")
    except BaseException:
        await writer.abort()
        raise
    await deps.storage.keep(caller.tenant_id, [writer.file_id])
    if offset == 0:
        await _sniff(uow, deps, advanced, head)
    return advanced


async def _sniff(uow: UnitOfWork, deps: Deps, upload: ResumableUpload, head: bytes) -> None:
    """Refuse the upload as soon as its first bytes tell a type not taken, or one whose size
    limit its declared length passes, rather than after its last byte."""
    if len(head) < min(SNIFF_BYTES, upload.length):
        return  # too few bytes to tell yet: the whole file is checked at its end anyway
    try:
        file_type = deps.inspector.file_type(head)
        deps.limits.check_size(file_type, upload.length)
    except UploadRefusedError as refusal:
        await _reject(uow, deps, upload, refusal)
        raise


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
        await _reject(uow, deps, upload, refusal)
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


async def _taken(uow: UnitOfWork, deps: Deps, upload: ResumableUpload, item: MediaItem) -> None:
    async with uow:
        await uow.resumable.taken(upload.tenant_id, upload.upload_id, item.media_id)
    await _drop_segments(deps.storage, upload)


async def terminate(uow: UnitOfWork, deps: Deps, caller: Caller, upload_id: str) -> None:
    """Forget the upload and delete its bytes (an item made of it stays)."""
    async with uow:
        removed = await uow.resumable.remove(caller.tenant_id, upload_id)
    if removed is None:
        raise MediaNotFoundError(f"No upload {upload_id}")
    await _drop_segments(deps.storage, removed)


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
            await _drop_segments(deps.storage, removed)
            swept += 1
    return swept


async def _store_piece(
    writer: FileWriter, upload: ResumableUpload, chunks: AsyncIterator[bytes]
) -> tuple[int, bytes]:
    """The piece's size, and its first ``SNIFF_BYTES``."""
    size, head = 0, bytearray()
    async for chunk in chunks:
        upload.check_room(size + len(chunk))
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        await writer.write(chunk)
        size += len(chunk)
    await writer.close()
    return size, bytes(head)


async def _body(storage: Storage, upload: ResumableUpload) -> AsyncIterator[bytes]:
    """The segments' bytes in order, as one body."""
    for segment in upload.segments:
        content = await storage.open(upload.tenant_id, segment.file_id)
        if content is None:
            raise OSError(f"segment {segment.file_id} of upload {upload.upload_id} is missing")
        async for chunk in content.chunks():
            yield chunk


async def _reject(
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
    await _drop_segments(deps.storage, upload)


async def _drop_segments(storage: Storage, upload: ResumableUpload) -> None:
    if upload.segments:
        await storage.delete(upload.tenant_id, [s.file_id for s in upload.segments])
