"""Storage in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2...): the Storage port.

Reads are ranged GETs streamed a piece at a time; deletes remove the object, its pending
marker and any multipart upload left under its key by a process that died while writing it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from media.adapters.local_files import copy_into
from media.adapters.s3.connection import S3Connection
from media.adapters.s3.keys import PENDING, FileKey, item_prefix
from media.adapters.s3.writer import S3File
from media.service.ports import LocalFile, PendingFile
from newsroom_shared.clock import Clock

if TYPE_CHECKING:  # the stubs are a development dependency
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_s3.type_defs import ObjectIdentifierTypeDef


READ_PIECE_BYTES = 256 * 1024  # what one read of an answer's body holds
DELETE_BATCH = 1000  # S3's most keys in one DeleteObjects


class S3Content:
    def __init__(self, client: S3Client, bucket: str, key: str, length: int) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._length = length

    @property
    def length(self) -> int:
        return self._length

    async def chunks(self, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        stop = self._length if end is None else min(end, self._length)
        if start >= stop:
            return
        answer = await self._client.get_object(
            Bucket=self._bucket, Key=self._key, Range=f"bytes={start}-{stop - 1}"
        )
        body = answer["Body"]
        position = start
        try:
            async for piece in body.iter_chunks(READ_PIECE_BYTES):
                position += len(piece)
                yield piece
        finally:
            body.close()
        if position < stop:  # the object changed or the answer was cut: end the answer short
            raise OSError(f"stored file {self._key} ended at byte {position} of {stop}")


class S3Storage:
    def __init__(self, connection: S3Connection, clock: Clock, part_bytes: int) -> None:
        self._connection = connection
        self._bucket = connection.bucket
        self._clock = clock
        self._part_bytes = part_bytes

    @property
    def _client(self) -> S3Client:
        return self._connection.client

    async def create(self, tenant_id: str, media_id: str, name: str, content_type: str) -> S3File:
        key = FileKey.new(tenant_id, media_id, name, self._clock.now())
        # The marker first: a process dying from here on leaves something the sweeper finds.
        await self._client.put_object(Bucket=self._bucket, Key=key.marker, Body=b"")
        return S3File(self._client, self._bucket, key, content_type, self._part_bytes)

    async def store(self, tenant_id: str, media_id: str, files: Sequence[LocalFile]) -> list[str]:
        """One object (and its pending marker) per file: S3 has no write of several."""
        written: list[S3File] = []
        try:
            for file in files:
                writer = await self.create(tenant_id, media_id, file.name, file.content_type)
                written.append(writer)
                await copy_into(writer, file.path)
                await writer.close()
        except BaseException:
            for writer in written:
                await writer.abort()
            raise
        return [w.file_id for w in written]

    async def keep(self, tenant_id: str, file_ids: Sequence[str]) -> None:
        keys = [k for k in (FileKey.of_file(tenant_id, i) for i in file_ids) if k is not None]
        await self._delete_keys(k.marker for k in keys)

    async def pending(self, before: datetime, limit: int) -> list[PendingFile]:
        listed = await self._client.list_objects_v2(
            Bucket=self._bucket, Prefix=PENDING, MaxKeys=limit
        )
        found: list[PendingFile] = []
        for entry in listed.get("Contents", []):
            key = FileKey.of_marker(entry["Key"])
            if key is None:
                continue
            if key.created_at >= before:
                break  # markers are listed oldest first
            found.append(PendingFile(key.tenant_id, key.media_id, key.key))
        return found

    async def open(self, tenant_id: str, file_id: str) -> S3Content | None:
        key = FileKey.of_file(tenant_id, file_id)
        if key is None:
            return None  # another tenant's file is not found, like a missing one
        try:
            head = await self._client.head_object(Bucket=self._bucket, Key=key.key)
        except ClientError as error:
            if _is_missing(error):
                return None
            raise
        return S3Content(self._client, self._bucket, key.key, head["ContentLength"])

    async def delete(self, tenant_id: str, file_ids: Sequence[str]) -> None:
        keys = [k for k in (FileKey.of_file(tenant_id, i) for i in file_ids) if k is not None]
        for media_id in sorted({k.media_id for k in keys}):  # one listing per item
            await self._abort_uploads(item_prefix(tenant_id, media_id), {k.key for k in keys})
        await self._delete_keys([k.key for k in keys] + [k.marker for k in keys])

    async def delete_all(self, tenant_id: str, media_id: str, *, keep: frozenset[str]) -> int:
        prefix = item_prefix(tenant_id, media_id)
        doomed: list[FileKey] = []
        paginator = self._client.get_paginator("list_objects_v2")
        async for page in paginator.paginate(Bucket=self._bucket, Prefix=prefix):
            for entry in page.get("Contents", []):
                key = FileKey.of_file(tenant_id, entry["Key"])
                if key is not None and key.key not in keep:
                    doomed.append(key)
        await self._delete_keys([k.key for k in doomed] + [k.marker for k in doomed])
        return len(doomed)

    async def _abort_uploads(self, prefix: str, keys: set[str]) -> None:
        """Abort the multipart uploads of ``keys`` under ``prefix`` (a writer that died
        left them)."""
        listed = await self._client.list_multipart_uploads(Bucket=self._bucket, Prefix=prefix)
        for upload in listed.get("Uploads", []):
            if upload["Key"] in keys:
                await self._client.abort_multipart_upload(
                    Bucket=self._bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                )

    async def _delete_keys(self, keys: Iterable[str]) -> None:
        batch = list(keys)
        for at in range(0, len(batch), DELETE_BATCH):
            objects: list[ObjectIdentifierTypeDef] = [
                {"Key": k} for k in batch[at : at + DELETE_BATCH]
            ]
            await self._client.delete_objects(
                Bucket=self._bucket, Delete={"Objects": objects, "Quiet": True}
            )


def _is_missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}
