"""The attack corpus: each file is refused with a 4xx problem saying why, and leaves no item
and no byte stored; a file that only decoding finds broken is rejected by the worker, with
``MediaRejected``, and its bytes deleted."""

from __future__ import annotations

import httpx
import pytest
from media_support import corpus
from media_support.app import headers, media_api, media_of, settings_for
from media_support.flows import outbox_events, processed, upload

from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
A = headers("tenant-a")

REFUSED = [
    ("svg", corpus.svg(), "drawing.svg", 415, "unsupported_media_type", "script"),
    ("html as .jpg", corpus.html_named_jpg(), "photo.jpg", 415, "unsupported_media_type", "bytes"),
    ("pixel bomb", corpus.pixel_bomb(), "bomb.png", 422, "pixel_flood", "pixels"),
    ("polyglot zip", corpus.polyglot_zip(), "gifar.jpg", 422, "polyglot", "ZIP"),
    ("polyglot html", corpus.polyglot_html(), "page.png", 422, "polyglot", "web page"),
    ("truncated", corpus.truncated_jpeg(), "half.jpg", 422, "truncated", "incomplete"),
    ("oversize", corpus.noise_png(1000, 1000), "huge.png", 413, "body_too_large", "at most"),
    ("empty", b"", "nothing.jpg", 422, "empty", "empty"),
]


async def nothing_stored(api: httpx.AsyncClient) -> None:
    db = media_of(api).runtime.db
    assert await db["items"].count_documents({}) == 0
    assert await db["fs.files"].count_documents({}) == 0
    assert await db["fs.chunks"].count_documents({}) == 0


@pytest.mark.parametrize(
    ("data", "name", "status", "code", "says"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
async def test_a_bad_upload_is_refused_and_leaves_nothing(
    api: httpx.AsyncClient, data: bytes, name: str, status: int, code: str, says: str
) -> None:
    answer = await upload(api, data, name)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == code
    assert says in problem["detail"]
    await nothing_stored(api)


async def test_an_oversize_stream_without_a_length_is_cut_off(api: httpx.AsyncClient) -> None:
    async def chunks():
        yield corpus.png(64, 64)[:1000]
        for _ in range(40):
            yield b"\x00" * 100_000  # 4 MB, over the test's 2 MiB image limit

    answer = await api.post("/v1/media", content=chunks(), headers=A)
    assert answer.status_code == 413, answer.text
    await nothing_stored(api)


async def test_a_spoofed_name_gets_the_contents_type(api: httpx.AsyncClient) -> None:
    answer = await upload(api, corpus.png_named_jpg(), "photo.jpg")
    assert answer.status_code == 201, answer.text
    assert (answer.json()["content_type"], answer.json()["filename"]) == ("image/png", "photo.png")


async def test_what_only_decoding_finds_is_rejected_by_the_worker(api: httpx.AsyncClient) -> None:
    answer = await upload(api, corpus.corrupt_inside_png(), "broken.png")
    assert answer.status_code == 201, answer.text
    item = await processed(api, answer.json()["id"])
    assert item["status"] == "rejected"
    assert "does not decode" in item["reason"]
    assert item["files"] == []
    events = await outbox_events(api, item["id"])
    assert [topic for topic, _ in events] == [
        "newsroom.media.uploaded.v1",
        "newsroom.media.rejected.v1",
    ]
    assert "does not decode" in events[1][1]["reason"]
    db = media_of(api).runtime.db
    assert await db["fs.files"].count_documents({}) == 0
    assert await db["usage"].find_one({"_id": "tenant-a"}) == {"_id": "tenant-a", "bytes": 0}


async def test_the_tenants_quota_answers_413(infra, unique, mongo_client) -> None:
    settings = settings_for(infra, unique, tenant_quota_bytes=150_000, worker_enabled=False)
    try:
        async with media_api(settings) as api:
            first = await upload(api, corpus.noise_png(200, 100), "first.png")  # ~60 KB
            assert first.status_code == 201, first.text
            size = first.json()["files"][0]["bytes"]
            big = corpus.noise_png(200, 150, seed=2)  # ~90 KB
            second = await upload(api, big, "big.png")
            if size + len(big) <= 150_000:
                pytest.fail("the corpus files no longer fill the quota")
            assert second.status_code == 413, second.text
            assert second.json()["code"] == "quota_exceeded"
            other_tenant = await api.post("/v1/media", content=big, headers=headers("tenant-b"))
            assert other_tenant.status_code == 201, other_tenant.text
    finally:
        await drop_test_database(mongo_client, settings.database_name)
