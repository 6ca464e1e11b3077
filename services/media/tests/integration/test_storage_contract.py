"""The Storage port's contract, held by both backends: GridFS (in the service's database) and
S3 (moto's server mode: a real S3 API over HTTP on localhost)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from media_support.s3 import multipart_uploads, new_bucket, objects, s3_options

from media.adapters.gridfs_storage import GridFsStorage
from media.adapters.s3.connection import S3Connection
from media.adapters.s3.storage import S3Storage
from media.service.ports import LocalFile, Storage, StoredContent
from newsroom_shared.clock import SystemClock
from newsroom_shared.mongo import Database

pytestmark = pytest.mark.connected
MIB = 1024 * 1024
PART = 5 * MIB


@pytest.fixture(params=["gridfs", "s3"])
async def storage(
    request: pytest.FixtureRequest, database: Database, moto_endpoint: str, unique: str
) -> AsyncIterator[Storage]:
    if request.param == "gridfs":
        yield GridFsStorage(database)
        return
    connection = S3Connection(s3_options(moto_endpoint, new_bucket(moto_endpoint, unique)))
    await connection.open()
    yield S3Storage(connection, SystemClock(), PART)
    await connection.close()


def pattern(size: int) -> bytes:
    """Bytes whose every position differs from its neighbours' (a shifted read shows)."""
    block = bytes(range(251))  # prime: no alignment with chunk or part sizes
    return (block * (size // len(block) + 1))[:size]


async def stored(storage: Storage, data: bytes, piece: int = 300_000, media: str = "m1") -> str:
    writer = await storage.create("tenant-a", media, "original", "image/jpeg")
    for at in range(0, len(data), piece):
        await writer.write(data[at : at + piece])
    await writer.close()
    return writer.file_id


async def read(content: StoredContent, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in content.chunks(start, end)])


@pytest.mark.parametrize("size", [0, 1000, 2 * PART + 12345])
async def test_a_file_reads_back_whole_and_in_ranges(storage: Storage, size: int) -> None:
    data = pattern(size)
    file_id = await stored(storage, data)
    content = await storage.open("tenant-a", file_id)
    assert content is not None
    assert content.length == size
    assert hashlib.sha256(await read(content)).digest() == hashlib.sha256(data).digest()
    for start, end in [(0, 1), (7, 700), (size // 2, None), (PART - 3, PART + 3), (5, 5)]:
        assert await read(content, start, end) == data[start:end], (start, end)


async def test_another_tenants_file_and_bad_ids_are_not_found(storage: Storage) -> None:
    file_id = await stored(storage, b"secret")
    assert await storage.open("tenant-b", file_id) is None
    assert await storage.open("tenant-a", "no-such-file") is None
    assert await storage.open("tenant-a", file_id + "x") is None
    await storage.delete("tenant-b", [file_id])  # not theirs to delete
    assert await storage.open("tenant-a", file_id) is not None


@pytest.mark.parametrize("size", [1000, PART + 1])
async def test_an_aborted_file_leaves_nothing(storage: Storage, size: int) -> None:
    writer = await storage.create("tenant-a", "m1", "original", "image/jpeg")
    await writer.write(pattern(size))  # past one part: a multipart upload is under way
    await writer.abort()
    assert await storage.open("tenant-a", writer.file_id) is None
    assert await storage.pending(SystemClock().now() + timedelta(hours=1), 10) == []
    closed = await stored(storage, pattern(size))
    writer = await storage.create("tenant-a", "m1", "original", "image/jpeg")
    await writer.close()
    await writer.abort()  # complete already: deleted like any file
    assert await storage.open("tenant-a", writer.file_id) is None
    assert await storage.open("tenant-a", closed) is not None


async def test_a_file_is_pending_until_kept(storage: Storage) -> None:
    before_any = SystemClock().now() - timedelta(minutes=1)
    first = await stored(storage, b"one", media="m1")
    second = await stored(storage, b"two", media="m2")
    later = SystemClock().now() + timedelta(minutes=1)
    pending = await storage.pending(later, 10)
    assert [(p.tenant_id, p.media_id, p.file_id) for p in pending] == [
        ("tenant-a", "m1", first),
        ("tenant-a", "m2", second),
    ]
    assert await storage.pending(before_any, 10) == []
    assert len(await storage.pending(later, 1)) == 1
    await storage.keep("tenant-b", [first])  # another tenant's keep changes nothing
    await storage.keep("tenant-a", [first])
    assert [p.file_id for p in await storage.pending(later, 10)] == [second]


async def test_delete_and_delete_all(storage: Storage) -> None:
    one, two, three = [await stored(storage, b"x" * n) for n in (1, 2, 3)]
    other = await stored(storage, b"other", media="m2")
    await storage.delete("tenant-a", [one])
    assert await storage.open("tenant-a", one) is None
    await storage.delete("tenant-a", [one])  # gone already: fine
    assert await storage.delete_all("tenant-a", "m1", keep=frozenset({three})) == 1
    assert await storage.open("tenant-a", two) is None
    assert await storage.open("tenant-a", three) is not None
    assert await storage.open("tenant-a", other) is not None
    assert await storage.delete_all("tenant-b", "m1", keep=frozenset()) == 0
    assert await storage.open("tenant-a", three) is not None


async def test_local_files_are_stored_together_and_pending(
    storage: Storage, tmp_path: Path
) -> None:
    sizes = [0, 1000, 300_000]
    files = []
    for n, size in enumerate(sizes):
        (tmp_path / f"r{n}").write_bytes(pattern(size))
        files.append(LocalFile(f"r{n}", "image/webp", str(tmp_path / f"r{n}")))
    ids = await storage.store("tenant-a", "m1", files)
    assert len(set(ids)) == len(sizes)
    for file_id, size in zip(ids, sizes, strict=True):
        content = await storage.open("tenant-a", file_id)
        assert content is not None
        assert await read(content) == pattern(size)
    later = SystemClock().now() + timedelta(minutes=1)
    assert sorted(p.file_id for p in await storage.pending(later, 10)) == sorted(ids)
    assert await storage.delete_all("tenant-a", "m1", keep=frozenset(ids[:1])) == 2


async def test_a_failed_store_leaves_nothing(storage: Storage, tmp_path: Path) -> None:
    (tmp_path / "r0").write_bytes(pattern(1000))
    files = [
        LocalFile("r0", "image/webp", str(tmp_path / "r0")),
        LocalFile("r1", "image/webp", str(tmp_path / "missing")),
    ]
    with pytest.raises(FileNotFoundError):
        await storage.store("tenant-a", "m1", files)
    assert await storage.delete_all("tenant-a", "m1", keep=frozenset()) == 0
    assert await storage.pending(SystemClock().now() + timedelta(minutes=1), 10) == []


async def test_s3_a_dead_writers_multipart_upload_is_aborted_by_the_sweepers_delete(
    moto_endpoint: str, unique: str
) -> None:
    bucket = new_bucket(moto_endpoint, unique)
    connection = S3Connection(s3_options(moto_endpoint, bucket))
    await connection.open()
    try:
        storage = S3Storage(connection, SystemClock(), PART)
        writer = await storage.create("tenant-a", "m1", "original", "image/jpeg")
        await writer.write(pattern(PART + 1))  # then the process dies: no close, no abort
        assert multipart_uploads(moto_endpoint, bucket) == [writer.file_id]
        (pending,) = await storage.pending(SystemClock().now() + timedelta(minutes=1), 10)
        assert pending.file_id == writer.file_id
        await storage.delete(pending.tenant_id, [pending.file_id])  # what the sweeper does
        assert multipart_uploads(moto_endpoint, bucket) == []
        assert objects(moto_endpoint, bucket) == []
    finally:
        await connection.close()
