"""Files written by our GridFS writer are GridFS files: PyMongo's own GridFS reads them, and
their documents look like those PyMongo's ``GridIn`` writes. A worker's renditions cost two
inserts, and no command checks GridFS's indexes (they are created at startup)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from bson import Int64, ObjectId
from gridfs.asynchronous import AsyncGridFSBucket
from pymongo import monitoring

from media.adapters.gridfs_storage import GridFsStorage
from media.adapters.gridfs_writer import CHUNK_BYTES, FLUSH_BYTES
from media.adapters.mongo.indexes import ensure_indexes
from media.service.ports import LocalFile
from newsroom_shared.mongo import Database, make_client

pytestmark = pytest.mark.connected
SIZES = [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 5]


class Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.seen[f"{event.command_name} {event.command.get(event.command_name)}"] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


@pytest.fixture
async def counted(database: Database, infra: Any) -> AsyncIterator[tuple[Database, Commands]]:
    """The test's database through a client whose commands are counted; indexes created as
    the service does at startup."""
    commands = Commands()
    client = make_client(infra.mongodb_uri, event_listeners=[commands])
    try:
        db = client[database.name]
        await ensure_indexes(db)
        commands.seen.clear()
        yield db, commands
    finally:
        await client.close()


def data_of(size: int, seed: int = 0) -> bytes:
    block = bytes((seed + i) % 251 for i in range(251))
    return (block * (size // 251 + 1))[:size]


def local_files(folder: Path, sizes: list[int]) -> list[LocalFile]:
    files = []
    for n, size in enumerate(sizes):
        path = folder / f"r{n}"
        path.write_bytes(data_of(size, n))
        files.append(LocalFile(f"r{n}", "image/jpeg", str(path)))
    return files


async def test_stored_files_read_back_through_pymongos_gridfs(
    counted: tuple[Database, Commands], tmp_path: Path
) -> None:
    db, _ = counted
    ids = await GridFsStorage(db).store("tenant-a", "m1", local_files(tmp_path, SIZES))
    bucket = AsyncGridFSBucket(db)
    for n, (size, file_id) in enumerate(zip(SIZES, ids, strict=True)):
        grid_out = await bucket.open_download_stream(ObjectId(file_id))
        assert await grid_out.read() == data_of(size, n)
        assert grid_out.filename == f"m1/r{n}"
        assert grid_out.metadata == {
            "tenant_id": "tenant-a",
            "media_id": "m1",
            "name": f"r{n}",
            "content_type": "image/jpeg",
            "pending": True,
        }
        # By name too: GridFS's (filename, uploadDate) lookup.
        by_name = await bucket.open_download_stream_by_name(f"m1/r{n}")
        assert by_name._id == ObjectId(file_id)


async def test_a_streamed_file_has_the_documents_pymongo_writes(
    counted: tuple[Database, Commands],
) -> None:
    db, _ = counted
    data = data_of(2 * CHUNK_BYTES + 7)
    writer = await GridFsStorage(db).create("tenant-a", "m1", "original", "image/jpeg")
    for at in range(0, len(data), 100_000):  # pieces that straddle chunks
        await writer.write(data[at : at + 100_000])
    await writer.close()
    theirs = await AsyncGridFSBucket(db).upload_from_stream("m1/theirs", data, metadata={})

    ours_doc = await db["fs.files"].find_one({"_id": ObjectId(writer.file_id)})
    theirs_doc = await db["fs.files"].find_one({"_id": theirs})
    assert ours_doc is not None
    assert theirs_doc is not None
    assert ours_doc.keys() == theirs_doc.keys()
    for key in ("chunkSize", "length"):
        assert ours_doc[key] == theirs_doc[key]
        assert type(ours_doc[key]) is type(theirs_doc[key])
    assert isinstance(ours_doc["length"], Int64)  # as the GridFS specification asks

    def chunks_of(files_id: object) -> AsyncIterator[dict[str, Any]]:
        return db["fs.chunks"].find({"files_id": files_id}, {"_id": 0}, sort=[("n", 1)])

    ours = [(c["n"], bytes(c["data"])) async for c in chunks_of(ObjectId(writer.file_id))]
    theirs_chunks = [(c["n"], bytes(c["data"])) async for c in chunks_of(theirs)]
    assert ours == theirs_chunks
    assert [len(d) for _, d in ours] == [CHUNK_BYTES, CHUNK_BYTES, 7]


async def test_an_images_renditions_cost_two_inserts_and_no_index_check(
    counted: tuple[Database, Commands], tmp_path: Path
) -> None:
    db, commands = counted
    ten = local_files(tmp_path, [40_000, 90_000, 20_000, 300_000, 700_000] * 2)
    await GridFsStorage(db).store("tenant-a", "m1", ten)
    assert commands.seen == {"insert fs.chunks": 1, "insert fs.files": 1}


async def test_large_files_are_sent_a_batch_of_chunks_at_a_time(
    counted: tuple[Database, Commands], tmp_path: Path
) -> None:
    db, commands = counted
    size = 2 * FLUSH_BYTES + CHUNK_BYTES // 2
    [file_id] = await GridFsStorage(db).store("tenant-a", "m1", local_files(tmp_path, [size]))
    assert commands.seen == {"insert fs.chunks": 3, "insert fs.files": 1}
    grid_out = await AsyncGridFSBucket(db).open_download_stream(ObjectId(file_id))
    assert await grid_out.read() == data_of(size)


async def test_a_failed_store_leaves_nothing(
    counted: tuple[Database, Commands], tmp_path: Path
) -> None:
    db, _ = counted
    files = local_files(tmp_path, [FLUSH_BYTES + 5, 10])
    missing = LocalFile("gone", "image/jpeg", str(tmp_path / "no-such-file"))
    with pytest.raises(FileNotFoundError):
        await GridFsStorage(db).store("tenant-a", "m1", [*files, missing])
    assert await db["fs.files"].count_documents({}) == 0
    assert await db["fs.chunks"].count_documents({}) == 0
