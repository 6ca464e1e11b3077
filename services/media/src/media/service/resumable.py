"""Resumable uploads (tus 1.0): create, take a piece at an offset, tell the offset, stop.

Each piece is stored as a segment through the storage port as it streams, then recorded on
the upload if the upload is still where the piece began (``append``'s condition): so pieces
may reach any replica, and a piece cut off midway keeps what arrived (the client asks for the
offset and goes on from there). The first piece's bytes are sniffed, so a type not taken (or
too large for its kind) is refused then, not at the end. What happens once the last byte is
in: ``resumable_end``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

from media.domain.errors import MediaNotFoundError, Refusal, UploadRefusedError
from media.domain.ids import new_id
from media.domain.resumable import OffsetMismatchError, ResumableUpload, Segment
from media.service.ports import Caller, Deps, FileWriter, UnitOfWork
from media.service.resumable_end import TAKE_HOLD_S, drop_segments, reject

SEGMENT_TYPE = "application/octet-stream"  # a piece of a file not yet told by its content
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
        await reject(uow, deps, upload, refusal)
        raise


async def terminate(uow: UnitOfWork, deps: Deps, caller: Caller, upload_id: str) -> None:
    """Forget the upload and delete its bytes (an item made of it stays)."""
    async with uow:
        removed = await uow.resumable.remove(caller.tenant_id, upload_id)
    if removed is None:
        raise MediaNotFoundError(f"No upload {upload_id}")
    await drop_segments(deps.storage, removed)


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
