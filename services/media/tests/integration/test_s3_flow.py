"""The service storing in S3 (moto's server mode): an image uploaded, rendered, served with
ranges, deleted, leaving the bucket empty; an upload refused mid-stream leaves no object and
no multipart upload behind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from media_support import corpus
from media_support.app import app_of, headers, local_path, media_api, media_of, settings_for
from media_support.flows import processed, upload
from media_support.s3 import multipart_uploads, new_bucket, objects, s3_settings

from media.config import MediaSettings
from newsroom_testing.clock import FakeClock
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
A = headers("tenant-a")
MIB = 1024 * 1024


@pytest.fixture
def bucket(moto_endpoint: str, unique: str) -> str:
    return new_bucket(moto_endpoint, unique)


@pytest.fixture
def s3_media(infra, unique, moto_endpoint: str, bucket: str) -> MediaSettings:
    return settings_for(
        infra, unique, max_image_bytes=12 * MIB, **s3_settings(moto_endpoint, bucket)
    )


@pytest.fixture
async def s3_api(
    s3_media: MediaSettings, mongo_client, clock: FakeClock
) -> AsyncIterator[httpx.AsyncClient]:
    try:
        async with media_api(s3_media, clock) as client:
            yield client
    finally:
        await drop_test_database(mongo_client, s3_media.database_name)


async def test_upload_process_serve_with_ranges_and_delete_on_s3(
    s3_api: httpx.AsyncClient, moto_endpoint: str, bucket: str
) -> None:
    answer = await upload(s3_api, corpus.jpeg(1800, 1200, gps=True))
    assert answer.status_code == 201, answer.text
    item = await processed(s3_api, answer.json()["id"])
    assert item["status"] == "processed", item
    files = {f["name"]: f for f in item["files"]}
    keys = objects(moto_endpoint, bucket)
    assert len(keys) == len(files)  # one object per file, and no pending marker left
    assert all(k.startswith(f"files/tenant-a/{item['id']}/") for k in keys)

    url = local_path(files["original"]["url"])
    whole = await s3_api.get(url, headers=A)
    assert whole.status_code == 200
    size = len(whole.content)
    part = await s3_api.get(url, headers={**A, "Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-1099/{size}"
    assert part.content == whole.content[100:1100]
    tail = await s3_api.get(url, headers={**A, "Range": "bytes=-10"})
    assert tail.content == whole.content[-10:]
    web = await s3_api.get(local_path(files["web_webp"]["url"]), headers=A)
    assert (web.status_code, web.content[8:12]) == (200, b"WEBP")
    assert (await s3_api.get(url, headers=headers("tenant-b"))).status_code == 404

    deleted = await s3_api.delete(f"/v1/media/{item['id']}", headers=A)
    assert deleted.status_code == 204, deleted.text
    assert (await s3_api.get(url, headers=A)).status_code == 404
    assert objects(moto_endpoint, bucket) == []


async def test_an_upload_refused_mid_stream_leaves_nothing_in_the_bucket(
    s3_api: httpx.AsyncClient, moto_endpoint: str, bucket: str
) -> None:
    async def body() -> AsyncIterator[bytes]:  # no Content-Length: found while streaming
        yield corpus.jpeg(64, 64)
        for _ in range(20):
            yield b"\0" * MIB  # past two 5 MiB parts before the 12 MiB limit is met

    answer = await s3_api.post("/v1/media", content=body(), headers=A)
    assert answer.status_code == 413, answer.text
    assert answer.json()["code"] == "body_too_large"
    assert objects(moto_endpoint, bucket) == []
    assert multipart_uploads(moto_endpoint, bucket) == []


async def test_the_sweeper_deletes_an_orphan_in_the_bucket(
    s3_api: httpx.AsyncClient, moto_endpoint: str, bucket: str, clock: FakeClock
) -> None:
    kept = await upload(s3_api, corpus.jpeg(64, 64))
    assert kept.status_code == 201, kept.text
    storage = media_of(s3_api).deps.storage
    orphan = await storage.create("tenant-a", "never-committed", "original", "image/png")
    await orphan.write(b"bytes of an upload whose process died")
    await orphan.close()
    sweeper = app_of(s3_api).state.sweeper
    assert await sweeper.step() == 0  # too recent to judge
    clock.advance(timedelta(hours=2))
    assert await sweeper.step() == 1
    keys = objects(moto_endpoint, bucket)
    assert orphan.file_id not in keys
    assert not [k for k in keys if k.startswith("pending/")]
    assert (
        await s3_api.get(f"/v1/media/{kept.json()['id']}/original", headers=A)
    ).status_code == 200
