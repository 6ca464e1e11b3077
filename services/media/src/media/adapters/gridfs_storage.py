"""Storage in GridFS, in the service's own database: files streamed in and out in chunks.

Each file's metadata names its tenant and item: reads check the tenant, and an item's files
can be found (and deleted) without the item's record.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from bson import ObjectId
from bson.errors import InvalidId
from gridfs.asynchronous import AsyncGridFSBucket, AsyncGridIn, AsyncGridOut
from gridfs.errors import NoFile
from pymongo.asynchronous.collection import AsyncCollection

from media.service.ports import PendingFile
from newsroom_shared.mongo import Database, Document

CHUNK_BYTES = 255 * 1024  # GridFS's default chunk size: one chunk document per read


class GridFile:
    def __init__(self, grid_in: AsyncGridIn, bucket: AsyncGridFSBucket) -> None:
        self._in = grid_in
        self._bucket = bucket

    @property
    def file_id(self) -> str:
        return str(self._in._id)

    async def write(self, chunk: bytes) -> None:
        await self._in.write(chunk)

    async def close(self) -> None:
        await self._in.close()

    async def abort(self) -> None:
        if self._in.closed:  # complete already: delete it like any file
            await _delete_quietly(self._bucket, self._in._id)
        else:
            await self._in.abort()


# Chunks fetched per round trip when reading. GridFS's own reader leaves the batch to the
# server (a first batch of 101 chunks, ~25 MiB, then up to 16 MiB each), which a streamed
# answer would hold at once; a few chunks keep a download's memory near one chunk's.
READ_BATCH_CHUNKS = 4


class GridContent:
    def __init__(self, grid_out: AsyncGridOut, chunks: AsyncCollection[Document]) -> None:
        self._out = grid_out
        self._chunks = chunks

    @property
    def length(self) -> int:
        return int(self._out.length)

    async def chunks(self, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        stop = self.length if end is None else min(end, self.length)
        size = int(self._out.chunk_size)
        position = start - start % size  # where the first chunk read begins
        cursor = self._chunks.find(
            {"files_id": self._out._id, "n": {"$gte": start // size, "$lte": (stop - 1) // size}},
            sort=[("n", 1)],
            batch_size=READ_BATCH_CHUNKS,
        )
        async for chunk in cursor:
            data = bytes(chunk["data"])
            piece = data[max(start - position, 0) : stop - position]
            position += len(data)
            if piece:
                yield piece
            if position >= stop:
                break
        await cursor.close()
        if position < stop:  # a chunk is missing: end the answer short rather than pad it
            raise OSError(f"stored file {self._out._id} lacks chunks past byte {position}")


class GridFsStorage:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._bucket = AsyncGridFSBucket(db, chunk_size_bytes=CHUNK_BYTES)

    async def create(self, tenant_id: str, media_id: str, name: str, content_type: str) -> GridFile:
        grid_in = self._bucket.open_upload_stream(
            f"{media_id}/{name}",
            metadata={
                "tenant_id": tenant_id,
                "media_id": media_id,
                "name": name,
                "content_type": content_type,
                "pending": True,
            },
        )
        return GridFile(grid_in, self._bucket)

    async def keep(self, tenant_id: str, file_ids: Sequence[str]) -> None:
        if file_ids:
            await self._db["fs.files"].update_many(
                {"_id": {"$in": [ObjectId(i) for i in file_ids]}, "metadata.tenant_id": tenant_id},
                {"$unset": {"metadata.pending": ""}},
            )

    async def pending(self, before: datetime, limit: int) -> list[PendingFile]:
        query = {"metadata.pending": True, "uploadDate": {"$lt": before}}
        cursor = self._db["fs.files"].find(query, {"metadata": 1}).sort("uploadDate", 1)
        return [
            PendingFile(d["metadata"]["tenant_id"], d["metadata"]["media_id"], str(d["_id"]))
            async for d in cursor.limit(limit)
        ]

    async def open(self, tenant_id: str, file_id: str) -> GridContent | None:
        try:
            oid = ObjectId(file_id)
        except InvalidId:
            return None
        try:
            grid_out = await self._bucket.open_download_stream(oid)
        except NoFile:
            return None
        if (grid_out.metadata or {}).get("tenant_id") != tenant_id:
            return None  # another tenant's file is not found, like a missing one
        return GridContent(grid_out, self._db["fs.chunks"])

    async def delete(self, tenant_id: str, file_ids: Sequence[str]) -> None:
        ids = [ObjectId(i) for i in file_ids]
        query = {"_id": {"$in": ids}, "metadata.tenant_id": tenant_id}
        async for found in self._db["fs.files"].find(query, {"_id": 1}):
            await _delete_quietly(self._bucket, found["_id"])

    async def delete_all(self, tenant_id: str, media_id: str, *, keep: frozenset[str]) -> int:
        query = {"metadata.tenant_id": tenant_id, "metadata.media_id": media_id}
        deleted = 0
        async for found in self._db["fs.files"].find(query, {"_id": 1}):
            if str(found["_id"]) not in keep:
                await _delete_quietly(self._bucket, found["_id"])
                deleted += 1
        return deleted


async def _delete_quietly(bucket: AsyncGridFSBucket, file_id: ObjectId) -> None:
    """Delete a file; one already gone (a concurrent cleanup) is fine."""
    try:
        await bucket.delete(file_id)
    except NoFile:
        return
