"""Files written in GridFS's format (the GridFS specification), by our own code.

The layout is the standard one, so PyMongo's ``AsyncGridFSBucket`` (and any driver's GridFS)
reads what is written here: a file is ``chunkSize``-byte documents ``{files_id, n, data}`` in
``fs.chunks`` (the last one shorter), then its document ``{_id, filename, chunkSize, metadata,
length (Int64), uploadDate}`` in ``fs.files``, inserted once every chunk is in (as PyMongo's
``GridIn`` does), so a reader never finds a file with chunks missing.

Why not PyMongo's ``GridIn``: each one checks GridFS's indexes before its first chunk (a
``find`` on ``fs.files`` and one on ``fs.chunks``, per file, whatever the bucket: the flag
lives on the ``GridIn``), and writes each file's chunks and document on their own. Our
indexes, GridFS's two among them, are created at startup (``media.adapters.mongo.indexes``);
and a worker storing an image's renditions puts the chunks of all of them in one
``insert_many`` and their documents in another (:class:`ChunkSink` shared by the writers).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from bson import Int64, ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from newsroom_shared.mongo import Database, Document

CHUNK_BYTES = 255 * 1024  # GridFS's default chunk size
# Chunks are sent once this many bytes wait: one command per 32 chunks, and a writer holds
# no more than this (PyMongo's GridIn holds up to 48 MB).
FLUSH_BYTES = 32 * CHUNK_BYTES


class ChunkSink:
    """Chunk documents on their way to ``fs.chunks``: sent in one ``insert_many`` once
    ``flush_bytes`` wait, or when flushed. Several writers may share one."""

    def __init__(self, chunks: AsyncCollection[Document], flush_bytes: int = FLUSH_BYTES) -> None:
        self._chunks = chunks
        self._flush_bytes = flush_bytes
        self._waiting: list[Document] = []
        self._waiting_bytes = 0

    async def add(self, files_id: ObjectId, n: int, data: bytes) -> None:
        self._waiting.append({"files_id": files_id, "n": n, "data": data})
        self._waiting_bytes += len(data)
        if self._waiting_bytes >= self._flush_bytes:
            await self.flush()

    async def flush(self) -> None:
        if self._waiting:
            waiting, self._waiting, self._waiting_bytes = self._waiting, [], 0
            await self._chunks.insert_many(waiting)


class GridWriter:
    """One file, its bytes cut into chunks as they come. ``end`` adds the last chunk and
    answers the file's document (not yet inserted); ``close`` does everything for a file
    written on its own."""

    def __init__(
        self,
        db: Database,
        filename: str,
        metadata: Mapping[str, Any],
        sink: ChunkSink | None = None,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self._db = db
        self._id = ObjectId()
        self._filename = filename
        self._metadata = dict(metadata)
        self._sink = sink or ChunkSink(db["fs.chunks"])
        self._chunk_bytes = chunk_bytes
        self._buffer = io.BytesIO()
        self._chunk_count = 0
        self._length = 0
        self._document: Document | None = None
        self._closed = False

    @property
    def id(self) -> ObjectId:
        return self._id

    @property
    def file_id(self) -> str:
        return str(self._id)

    @property
    def closed(self) -> bool:
        return self._closed

    async def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            room = self._chunk_bytes - self._buffer.tell()
            self._buffer.write(view[:room])
            view = view[room:]
            if self._buffer.tell() == self._chunk_bytes:
                await self._add_chunk()

    async def end(self) -> Document:
        """The last (short) chunk handed to the sink; the file's document to insert once the
        sink is flushed."""
        if self._document is None:
            if self._buffer.tell():
                await self._add_chunk()
            self._document = {
                "_id": self._id,
                "filename": self._filename,
                "chunkSize": self._chunk_bytes,
                "metadata": self._metadata,
                "length": Int64(self._length),  # the specification asks for an Int64
                "uploadDate": datetime.now(UTC),
            }
        return self._document

    async def close(self) -> None:
        if not self._closed:
            document = await self.end()
            await self._sink.flush()
            await self._db["fs.files"].insert_one(document)
            self._closed = True

    async def abort(self) -> None:
        """Nothing of the file stays stored, whatever was sent of it."""
        await remove(self._db, [self._id])
        self._closed = True

    async def _add_chunk(self) -> None:
        data = self._buffer.getvalue()
        self._buffer = io.BytesIO()
        await self._sink.add(self._id, self._chunk_count, data)
        self._chunk_count += 1
        self._length += len(data)


async def insert_files(db: Database, sink: ChunkSink, writers: Sequence[GridWriter]) -> None:
    """Complete files that share ``sink``: their last chunks, then all their documents in one
    ``insert_many``."""
    documents = [await w.end() for w in writers]
    await sink.flush()
    if documents:
        await db["fs.files"].insert_many(documents)


async def remove(db: Database, ids: Sequence[ObjectId]) -> None:
    """Delete files' documents first (a reader stops finding them), then their chunks."""
    await db["fs.files"].delete_many({"_id": {"$in": list(ids)}})
    await db["fs.chunks"].delete_many({"files_id": {"$in": list(ids)}})
