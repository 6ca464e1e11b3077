"""One file written to S3 as it streams: one PUT when it fits in a part, else a multipart
upload fed a part at a time, so no more than one part of it is ever held in memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from media.adapters.s3.keys import FileKey

if TYPE_CHECKING:  # the stubs are a development dependency
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_s3.type_defs import CompletedPartTypeDef


class S3File:
    def __init__(
        self, client: S3Client, bucket: str, key: FileKey, content_type: str, part_bytes: int
    ) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._content_type = content_type
        self._part_bytes = part_bytes
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[CompletedPartTypeDef] = []
        self._closed = False

    @property
    def file_id(self) -> str:
        return self._key.key

    async def write(self, chunk: bytes) -> None:
        self._buffer += chunk
        while len(self._buffer) >= self._part_bytes:
            part = bytes(self._buffer[: self._part_bytes])
            del self._buffer[: self._part_bytes]
            await self._upload_part(part)

    async def close(self) -> None:
        if self._upload_id is None:
            await self._client.put_object(
                Bucket=self._bucket,
                Key=self._key.key,
                Body=bytes(self._buffer),
                ContentType=self._content_type,
            )
        else:
            if self._buffer or not self._parts:  # the last part may be short
                await self._upload_part(bytes(self._buffer))
            await self._client.complete_multipart_upload(
                Bucket=self._bucket,
                Key=self._key.key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        self._buffer.clear()
        self._closed = True

    async def abort(self) -> None:
        self._buffer.clear()
        if self._upload_id is not None and not self._closed:
            # Parts of an aborted upload are freed; nothing of it stays billed.
            await self._client.abort_multipart_upload(
                Bucket=self._bucket, Key=self._key.key, UploadId=self._upload_id
            )
        elif self._closed:
            await self._client.delete_object(Bucket=self._bucket, Key=self._key.key)
        await self._client.delete_object(Bucket=self._bucket, Key=self._key.marker)

    async def _upload_part(self, part: bytes) -> None:
        if self._upload_id is None:
            started = await self._client.create_multipart_upload(
                Bucket=self._bucket, Key=self._key.key, ContentType=self._content_type
            )
            self._upload_id = started["UploadId"]
        number = len(self._parts) + 1
        sent = await self._client.upload_part(
            Bucket=self._bucket,
            Key=self._key.key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=part,
        )
        self._parts.append({"PartNumber": number, "ETag": sent["ETag"]})
