"""Resumable uploads on in-memory fakes: pieces become segments, the last makes the item,
offsets are guarded, refusals and expiry leave no bytes, the sweeper spares live segments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from media_support import corpus
from media_support.chunks import chunks_of

from media.domain.errors import MediaNotFoundError, Refusal, UploadRefusedError
from media.domain.resumable import OffsetMismatchError, PastLengthError
from media.service import resumable, resumable_end
from media.service.ports import Caller
from media.service.sweeping import sweep

A, B = Caller("tenant-a"), Caller("tenant-b")
DAY = 24 * 3600.0


async def new(uow, deps, data: bytes, **described: str):  # type: ignore[no-untyped-def]
    return await resumable.create(
        uow,
        deps,
        A,
        length=len(data),
        filename=described.get("filename"),
        title=described.get("title", ""),
        expire_s=DAY,
    )


async def send(uow, deps, upload_id: str, offset: int, data: bytes, caller=A):  # type: ignore[no-untyped-def]
    return await resumable.append(
        uow, deps, caller, upload_id, offset=offset, chunks=chunks_of(data), expire_s=DAY
    )


async def test_pieces_become_an_item_under_the_uploads_id(uow, deps, storage) -> None:
    data = corpus.jpeg(320, 200)
    upload = await new(uow, deps, data, filename="Pic.JPG", title="A title")
    half = len(data) // 2
    upload = await send(uow, deps, upload.upload_id, 0, data[:half])
    assert (upload.offset, len(upload.segments), upload.received) == (half, 1, False)
    upload = await send(uow, deps, upload.upload_id, half, data[half:])
    assert upload.received
    item = await resumable_end.take(uow, deps, A, upload)
    assert (item.media_id, item.filename, item.fields.title) == (
        upload.upload_id,
        "Pic.jpg",
        "A title",
    )
    assert bytes(storage.files[item.original.file_id].data) == data
    assert list(storage.files) == [item.original.file_id]  # the segments are gone
    assert uow.topics() == ["newsroom.media.uploaded.v1"]
    taken = await resumable.find(uow, deps, A, upload.upload_id)
    assert (taken.media_id, taken.segments) == (item.media_id, ())


async def test_offsets_and_lengths_are_guarded(uow, deps, storage) -> None:
    upload = await new(uow, deps, b"x" * 100)
    await send(uow, deps, upload.upload_id, 0, b"x" * 10)
    with pytest.raises(OffsetMismatchError):
        await send(uow, deps, upload.upload_id, 0, b"x" * 10)  # a replay of the first piece
    with pytest.raises(PastLengthError):
        await send(uow, deps, upload.upload_id, 10, b"x" * 91)
    with pytest.raises(MediaNotFoundError):
        await send(uow, deps, upload.upload_id, 10, b"x", caller=B)
    assert len(storage.files) == 1  # only the first piece's segment stays
    assert (await resumable.find(uow, deps, A, upload.upload_id)).offset == 10


@pytest.mark.parametrize(
    ("length", "refusal"),
    [(0, Refusal.EMPTY), (10**12, Refusal.TOO_LARGE)],
)
async def test_creation_refuses_what_could_never_be_taken(uow, deps, length, refusal) -> None:
    with pytest.raises(UploadRefusedError) as refused:
        await resumable.create(uow, deps, A, length=length, filename=None, title="", expire_s=DAY)
    assert refused.value.refusal is refusal


async def test_a_refused_file_keeps_no_byte_and_is_announced(uow, deps, storage) -> None:
    data = corpus.polyglot_zip()
    upload = await new(uow, deps, data)
    upload = await send(uow, deps, upload.upload_id, 0, data)
    with pytest.raises(UploadRefusedError):
        await resumable_end.take(uow, deps, A, upload)
    assert storage.files == {}
    assert uow.topics() == ["newsroom.media.rejected.v1"]
    with pytest.raises(MediaNotFoundError):
        await resumable.find(uow, deps, A, upload.upload_id)


async def test_expired_uploads_are_swept_with_their_bytes(uow, deps, storage, clock) -> None:
    upload = await new(uow, deps, b"x" * 100)
    await send(uow, deps, upload.upload_id, 0, b"x" * 10)
    assert await resumable_end.sweep_expired(uow, deps, limit=10) == 0
    clock.advance(timedelta(seconds=DAY + 1))
    with pytest.raises(MediaNotFoundError):
        await resumable.find(uow, deps, A, upload.upload_id)
    assert await resumable_end.sweep_expired(uow, deps, limit=10) == 1
    assert storage.files == {}


async def test_the_sweeper_spares_a_live_uploads_segments(uow, deps, storage, clock) -> None:
    upload = await new(uow, deps, b"x" * 100)
    upload = await send(uow, deps, upload.upload_id, 0, b"x" * 10)
    (segment,) = upload.segments
    storage.files[segment.file_id].pending = True  # died between recording and keeping
    clock.advance(timedelta(hours=2))
    assert await sweep(uow, deps, older_than_s=3600, limit=10) == 1
    assert segment.file_id in storage.files
    assert not storage.files[segment.file_id].pending


@pytest.mark.parametrize(
    ("first", "length", "refusal"),
    [
        (corpus.svg() + b" " * 9000, 100_000, Refusal.UNSUPPORTED_TYPE),
        (corpus.noise_png(100, 100), 3_000_000, Refusal.TOO_LARGE),  # past the image limit
    ],
    ids=["svg", "image too large for its kind"],
)
async def test_the_first_piece_tells_a_refusal_at_once(
    uow, deps, storage, first, length, refusal
) -> None:
    upload = await resumable.create(
        uow, deps, A, length=length, filename=None, title="", expire_s=DAY
    )
    with pytest.raises(UploadRefusedError) as refused:
        await send(uow, deps, upload.upload_id, 0, first[:10_000])
    assert refused.value.refusal is refusal
    assert storage.files == {}
    assert uow.topics() == ["newsroom.media.rejected.v1"]
    with pytest.raises(MediaNotFoundError):
        await resumable.find(uow, deps, A, upload.upload_id)


async def test_a_received_upload_whose_maker_died_is_taken_by_the_sweep(
    uow, deps, storage, clock
) -> None:
    data = corpus.jpeg(64, 64)
    upload = await new(uow, deps, data)
    upload = await send(uow, deps, upload.upload_id, 0, data)  # then the request dies
    assert await resumable_end.take_stalled(uow, deps, limit=10) == 0  # still held by it
    clock.advance(timedelta(seconds=resumable_end.TAKE_HOLD_S + 1))
    assert await resumable_end.take_stalled(uow, deps, limit=10) == 1
    item = await uow.media.get("tenant-a", upload.upload_id)
    assert item is not None
    assert list(storage.files) == [item.original.file_id]
    assert uow.topics() == ["newsroom.media.uploaded.v1"]
    assert await resumable_end.take_stalled(uow, deps, limit=10) == 0


async def test_taking_again_after_the_item_was_made_only_cleans_up(uow, deps, storage) -> None:
    data = corpus.jpeg(64, 64)
    upload = await new(uow, deps, data)
    upload = await send(uow, deps, upload.upload_id, 0, data)
    item = await resumable_end.take(uow, deps, A, upload)
    again = await resumable_end.take(uow, deps, A, upload)  # a maker that died after its commit
    assert again == item
    assert uow.topics() == ["newsroom.media.uploaded.v1"]
    assert list(storage.files) == [item.original.file_id]


async def test_unfinished_uploads_count_against_the_quota(uow, deps, clock) -> None:
    async def open_upload(length: int):  # type: ignore[no-untyped-def]
        return await resumable.create(
            uow, deps, A, length=length, filename=None, title="", expire_s=DAY
        )

    await open_upload(2_000_000)  # of a 3,000,000-byte quota
    with pytest.raises(UploadRefusedError) as refused:
        await open_upload(1_000_001)
    assert refused.value.refusal is Refusal.QUOTA_EXCEEDED
    await open_upload(1_000_000)
    clock.advance(timedelta(seconds=DAY + 1))  # both expired: they promise nothing now
    await open_upload(3_000_000)
