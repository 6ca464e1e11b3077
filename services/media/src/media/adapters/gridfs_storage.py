"""Storage in GridFS, in the service's own database: files streamed in and out in chunks.

Each file's metadata names its tenant and item: reads check the tenant, and an item's files
can be found (and deleted) without the item's record. Files are written by
:mod:`media.adapters.gridfs_writer` (GridFS's format, without PyMongo's index check per file;
a worker's renditions in two inserts) and read with PyMongo's GridFS.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from bson import ObjectId
from bson.errors import InvalidId
from gridfs.asynchronous import AsyncGridFSBucket, AsyncGridOut
from gridfs.errors import NoFile
from pymongo.asynchronous.collection import AsyncCollection

from media.adapters.gridfs_writer import CHUNK_BYTES, ChunkSink, GridWriter, insert_files, remove
from media.adapters.local_files import copy_into
from media.service.ports import LocalFile, PendingFile
from newsroom_shared.mongo import Database, Document

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

    async def create(
        self, tenant_id: str, media_id: str, name: str, content_type: str
    ) -> GridWriter:
        return self._writer(tenant_id, media_id, name, content_type)

    async def store(self, tenant_id: str, media_id: str, files: Sequence[LocalFile]) -> list[str]:
        """All the files' chunks through one sink (one ``insert_many`` while they fit in
        ``FLUSH_BYTES``), then their documents in one ``insert_many``."""
        sink = ChunkSink(self._db["fs.chunks"])
        writers = [self._writer(tenant_id, media_id, f.name, f.content_type, sink) for f in files]
        try:
            for writer, file in zip(writers, files, strict=True):
                await copy_into(writer, file.path)
            await insert_files(self._db, sink, writers)
        except BaseException:
            await remove(self._db, [w.id for w in writers])
            raise
        return [w.file_id for w in writers]

    def _writer(
        self,
        tenant_id: str,
        media_id: str,
        name: str,
        content_type: str,
        sink: ChunkSink | None = None,
    ) -> GridWriter:
        metadata = {
            "tenant_id": tenant_id,
            "media_id": media_id,
            "name": name,
            "content_type": content_type,
            "pending": True,
        }
        return GridWriter(self._db, f"{media_id}/{name}", metadata, sink, CHUNK_BYTES)

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
        await self._remove_found(query)

    async def delete_all(self, tenant_id: str, media_id: str, *, keep: frozenset[str]) -> int:
        query: Document = {"metadata.tenant_id": tenant_id, "metadata.media_id": media_id}
        kept = [ObjectId(i) for i in keep if ObjectId.is_valid(i)]
        if kept:
            query["_id"] = {"$nin": kept}
        return await self._remove_found(query)

    async def _remove_found(self, query: Document) -> int:
        """Remove the files the query finds (in the tenant's scope: the query says so);
        how many. Files already gone (a concurrent cleanup) are fine."""
        found = [d["_id"] async for d in self._db["fs.files"].find(query, {"_id": 1})]
        if found:
            await remove(self._db, found)
        return len(found)
