"""Uploading: the type from the content, the limits while the body streams to storage, and
the item with its ``MediaUploaded`` event in one transaction. A refused upload leaves no byte
stored and no item."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

from media.domain.errors import Refusal, UploadRefusedError
from media.domain.fields import AssetFields
from media.domain.ids import new_id
from media.domain.item import MediaItem
from media.domain.kinds import FileType
from media.domain.renditions import ORIGINAL, StoredFile
from media.service.ports import Caller, Deps, FileWriter, ImageHeader, UnitOfWork
from media.service.streams import Tally, read_head
from media.service.transactions import retried
from newsroom_shared.events.media import MediaUploaded


def safe_filename(name: str | None, file_type: FileType) -> str:
    """The name to offer downloads under: the client's base name without path or control
    characters, its extension the one the content has."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>').strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{(stem or 'upload')[:120]}.{file_type.extension}"


async def upload(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller,
    chunks: AsyncIterator[bytes],
    *,
    filename: str | None,
    announced_bytes: int | None,
    media_id: str | None = None,
    fields: AssetFields | None = None,
) -> MediaItem:
    """Take an upload streamed in ``chunks``; ``media_id`` and ``fields`` are those a
    resumable upload chose when it was created (else a new id, no fields)."""
    head = await read_head(chunks)
    if not head:
        raise UploadRefusedError(Refusal.EMPTY, "The upload is empty")
    file_type = deps.inspector.file_type(head)
    async with uow:
        used = await uow.usage.used(caller.tenant_id)
    if announced_bytes is not None:  # refused before a byte is stored
        deps.limits.check_size(file_type, announced_bytes)
        deps.limits.check_quota(used, announced_bytes)
    header = deps.inspector.image_header(file_type, head) if file_type.is_image else None
    if header is not None:
        deps.limits.check_pixels(header.width, header.height, header.frames)
    media_id = media_id or new_id()
    writer = await deps.storage.create(caller.tenant_id, media_id, ORIGINAL, file_type.content_type)
    try:
        tally = await _store(writer, deps, file_type, used, head, chunks)
        deps.inspector.check_whole(file_type, head, tally.tail, tally.size)
        item = _item_of(caller, media_id, file_type, filename, writer.file_id, tally, header, deps)
        item = item if fields is None else replace(item, fields=fields)
        await _commit(uow, deps, item)
    except BaseException:
        await writer.abort()
        raise
    await deps.storage.keep(item.tenant_id, [writer.file_id])
    return item


def _item_of(
    caller: Caller,
    media_id: str,
    file_type: FileType,
    filename: str | None,
    file_id: str,
    tally: Tally,
    header: ImageHeader | None,
    deps: Deps,
) -> MediaItem:
    original = StoredFile(
        name=ORIGINAL,
        file_id=file_id,
        content_type=file_type.content_type,
        extension=file_type.extension,
        digest=tally.digest,
        bytes=tally.size,
        width=None if header is None else header.width,
        height=None if header is None else header.height,
    )
    now = deps.clock.now()
    return MediaItem(
        tenant_id=caller.tenant_id,
        media_id=media_id,
        kind=file_type.kind,
        content_type=file_type.content_type,
        filename=safe_filename(filename, file_type),
        original=original,
        created_at=now,
        updated_at=now,
    )


async def _store(
    writer: FileWriter,
    deps: Deps,
    file_type: FileType,
    used: int,
    head: bytes,
    chunks: AsyncIterator[bytes],
) -> Tally:
    """Stream the body into ``writer``, refusing it as soon as it passes the kind's size limit
    or the tenant's quota (``used``: the tenant's bytes when the upload began; the commit
    reserves the bytes for good)."""
    tally = Tally()
    chunk: bytes | None = head
    while chunk is not None:
        tally.count(chunk)
        deps.limits.check_size(file_type, tally.size)
        deps.limits.check_quota(used, tally.size)
        await writer.write(chunk)
        chunk = await anext(chunks, None)
    await writer.close()
    return tally


async def _commit(uow: UnitOfWork, deps: Deps, item: MediaItem) -> None:
    await retried(lambda: _record(uow, deps, item))


async def _record(uow: UnitOfWork, deps: Deps, item: MediaItem) -> None:
    async with uow:
        quota = deps.limits.tenant_quota_bytes
        if not await uow.usage.reserve(item.tenant_id, item.original.bytes, quota):
            used = await uow.usage.used(item.tenant_id)
            raise deps.limits.quota_refusal(used, item.original.bytes)
        await uow.media.add(item)
        uow.emit(
            MediaUploaded(
                tenant_id=item.tenant_id,
                media_id=item.media_id,
                kind=item.kind.value,
                content_type=item.content_type,
                filename=item.filename,
                bytes=item.original.bytes,
                uploaded_at=item.created_at,
            )
        )
