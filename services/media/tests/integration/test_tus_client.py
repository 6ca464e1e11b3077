"""A real tus client (tuspy) against the app served over HTTP, storing in GridFS and in S3:
an upload whose connection is cut midway is resumed by a new client from the offset the
server kept, and ends as the item."""

from __future__ import annotations

import http.client
import io
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from media_support import corpus
from media_support.app import TokenAuthenticator, headers, settings_for
from media_support.s3 import new_bucket, objects, s3_settings
from tusclient.client import TusClient

from media.main import create_app
from newsroom_testing.openapi_fuzz import drop_database_now, served

pytestmark = pytest.mark.connected
STAFF = headers("tenant-a")


def offset_of(base: str, path: str) -> int:
    answer = httpx.head(f"{base}{path}", headers={**STAFF, "Tus-Resumable": "1.0.0"})
    return int(answer.headers["upload-offset"])


def cut_piece(base: str, path: str, offset: int, rest: bytes) -> None:
    """A PATCH announcing all of ``rest`` whose connection closes after half of it."""
    where = urlsplit(base)
    connection = http.client.HTTPConnection(where.hostname or "", where.port)
    connection.putrequest("PATCH", path)
    for name, value in {
        **STAFF,
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": str(offset),
        "Content-Type": "application/offset+octet-stream",
        "Content-Length": str(len(rest)),
    }.items():
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(rest[: len(rest) // 2])
    connection.close()


def kept_more_than(base: str, path: str, offset: int) -> int:
    """The offset once the server has recorded what the cut request brought."""
    deadline = time.monotonic() + 30  # a bound on a hang, not a measure of speed
    while (now := offset_of(base, path)) <= offset:
        assert time.monotonic() < deadline, "the cut piece was never recorded"
        time.sleep(0.05)
    return now


@pytest.mark.parametrize("backend", ["gridfs", "s3"])
def test_tuspy_resumes_an_interrupted_upload(infra: Any, moto_endpoint: str, backend: str) -> None:
    unique = uuid.uuid4().hex[:10]
    bucket = new_bucket(moto_endpoint, unique) if backend == "s3" else ""
    s3 = s3_settings(moto_endpoint, bucket) if backend == "s3" else {}
    settings = settings_for(infra, f"tus_{unique}", worker_enabled=False, **s3)
    data = corpus.noise_png(300, 200)
    try:
        with served(lambda: create_app(settings, authenticator=TokenAuthenticator())) as base:
            client = TusClient(f"{base}/v1/uploads", headers=STAFF)
            first = client.uploader(
                file_stream=io.BytesIO(data),
                chunk_size=len(data) // 4,
                metadata={"filename": "noise.png", "title": "Noise"},
            )
            first.upload_chunk()  # creates the upload and sends a quarter
            path = urlsplit(first.url).path
            assert offset_of(base, path) == len(data) // 4
            cut_piece(base, path, len(data) // 4, data[len(data) // 4 :])
            kept = kept_more_than(base, path, len(data) // 4)
            assert kept < len(data)

            resumed = client.uploader(file_stream=io.BytesIO(data), url=first.url)
            assert resumed.offset == kept  # asked the server (HEAD)
            resumed.upload()
            done = httpx.head(f"{base}{path}", headers={**STAFF, "Tus-Resumable": "1.0.0"})
            media_id = done.headers["media-id"]
            original = httpx.get(f"{base}/v1/media/{media_id}/original", headers=STAFF)
            assert original.content == data
            item = httpx.get(f"{base}/v1/media/{media_id}", headers=STAFF).json()
            assert (item["filename"], item["title"]) == ("noise.png", "Noise")
            if backend == "s3":  # the segments are gone; the original is all there is
                (key,) = [k for k in objects(moto_endpoint, bucket) if "/part-" not in k]
                assert key.startswith(f"files/tenant-a/{media_id}/original/")
                assert objects(moto_endpoint, bucket) == [key]
    finally:
        drop_database_now(infra.mongodb_uri, settings.database_name)
