"""tus 1.0 over raw HTTP: creation, pieces, offsets, completion into an item (checked like a
streamed upload), termination, expiry, and every error the protocol names."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime

import httpx
import pytest
from media_support import corpus
from media_support.app import app_of, headers, media_of
from media_support.chunks import chunks_of
from media_support.flows import outbox_events, processed
from media_support.tus import TUS, create, piece, tus_headers

from media.service import resumable, resumable_end
from media.service.ports import Caller
from newsroom_shared.lease import Lease
from newsroom_testing.clock import FakeClock

pytestmark = pytest.mark.connected


async def stored_names(api: httpx.AsyncClient, media_id: str) -> list[str]:
    db = media_of(api).runtime.db
    found = db["fs.files"].find({"metadata.media_id": media_id})
    return sorted([d["metadata"]["name"] async for d in found])


async def test_options_say_what_the_server_speaks(api: httpx.AsyncClient) -> None:
    answer = await api.options("/v1/uploads")
    assert answer.status_code == 204
    assert answer.headers["tus-version"] == "1.0.0"
    assert answer.headers["tus-resumable"] == "1.0.0"
    assert set(answer.headers["tus-extension"].split(",")) == {
        "creation",
        "expiration",
        "termination",
    }
    assert int(answer.headers["tus-max-size"]) == media_of(api).deps.limits.largest_upload()


async def test_an_upload_in_pieces_becomes_an_item(
    api: httpx.AsyncClient, clock: FakeClock
) -> None:
    data = corpus.jpeg(900, 600, gps=True)
    url = await create(api, len(data), filename="Launch.JPG", title="Launch day")
    assert url.startswith("/v1/uploads/")
    head = await api.head(url, headers=tus_headers())
    assert head.status_code == 200
    assert (head.headers["upload-offset"], head.headers["upload-length"]) == (
        "0",
        str(len(data)),
    )
    assert head.headers["cache-control"] == "no-store"
    expires = parsedate_to_datetime(head.headers["upload-expires"])
    assert expires - clock.now() == timedelta(days=1)

    third = len(data) // 3
    first = await piece(api, url, 0, data[:third])
    assert first.status_code == 204, first.text
    assert first.headers["upload-offset"] == str(third)
    assert "media-id" not in first.headers
    assert (await api.head(url, headers=tus_headers())).headers["upload-offset"] == str(third)
    await piece(api, url, third, data[third : 2 * third])
    last = await piece(api, url, 2 * third, data[2 * third :])
    assert last.status_code == 204, last.text
    media_id = last.headers["media-id"]
    assert last.headers["upload-offset"] == str(len(data))

    item = (await api.get(f"/v1/media/{media_id}", headers=headers("tenant-a"))).json()
    assert (item["filename"], item["title"], item["files"][0]["bytes"]) == (
        "Launch.jpg",
        "Launch day",
        len(data),
    )
    item = await processed(api, media_id)
    assert item["status"] == "processed"
    original = await api.get(f"/v1/media/{media_id}/original", headers=headers("tenant-a"))
    assert original.content == data
    assert not [n for n in await stored_names(api, media_id) if n.startswith("part-")]
    topics = [topic for topic, _ in await outbox_events(api, media_id)]
    assert topics[:2] == ["newsroom.media.uploaded.v1", "newsroom.media.processed.v1"]
    done = await api.head(url, headers=tus_headers())
    assert (done.headers["upload-offset"], done.headers["media-id"]) == (
        str(len(data)),
        media_id,
    )
    again = await piece(api, url, len(data), b"x")
    assert again.status_code == 409


async def test_a_refused_file_keeps_no_byte_and_emits_media_rejected(
    api: httpx.AsyncClient,
) -> None:
    data = corpus.svg()
    url = await create(api, len(data), filename="logo.svg")
    upload_id = url.rsplit("/", 1)[1]
    answer = await piece(api, url, 0, data)
    assert answer.status_code == 415, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["tus-resumable"] == "1.0.0"
    assert await stored_names(api, upload_id) == []
    events = await outbox_events(api, upload_id)
    assert [t for t, _ in events] == ["newsroom.media.rejected.v1"]
    assert events[0][1]["media_id"] == upload_id
    assert (await api.head(url, headers=tus_headers())).status_code == 404
    assert (await api.get(f"/v1/media/{upload_id}", headers=headers("tenant-a"))).status_code == 404


async def test_termination_deletes_what_was_received(api: httpx.AsyncClient) -> None:
    url = await create(api, 1000)
    await piece(api, url, 0, b"x" * 400)
    upload_id = url.rsplit("/", 1)[1]
    assert await stored_names(api, upload_id) == ["part-0"]
    assert (await api.delete(url, headers=tus_headers())).status_code == 204
    assert await stored_names(api, upload_id) == []
    assert (await api.head(url, headers=tus_headers())).status_code == 404
    assert (await api.delete(url, headers=tus_headers())).status_code == 404


async def test_abandoned_uploads_expire_and_one_replica_sweeps_them(
    api: httpx.AsyncClient, clock: FakeClock
) -> None:
    media = media_of(api)
    expiry = app_of(api).state.expiry
    url = await create(api, 1000)
    await piece(api, url, 0, b"x" * 300)
    upload_id = url.rsplit("/", 1)[1]
    assert await expiry.step() == 0  # not expired yet
    clock.advance(timedelta(days=1, seconds=1))
    assert (await api.head(url, headers=tus_headers())).status_code == 404  # expired: gone
    # Another replica holding the lease: this one sweeps nothing.
    other = Lease(media.runtime.db, expiry.lease.name, "another-replica", 60, clock=clock)
    await expiry.lease.release()
    assert await other.acquire()
    assert await expiry.step() == 0
    assert await stored_names(api, upload_id) == ["part-0"]
    await other.release()
    assert await expiry.step() == 1
    assert await stored_names(api, upload_id) == []
    assert await media.runtime.db["resumable_uploads"].count_documents({}) == 0


@pytest.mark.parametrize(
    ("extra", "status", "code"),
    [
        ({"Tus-Resumable": "0.2.2"}, 412, "tus_version_unsupported"),
        ({}, 400, "invalid_header"),  # no Upload-Length
        ({"Upload-Length": "-1"}, 400, "invalid_header"),
        ({"Upload-Length": "0"}, 422, "empty"),
        ({"Upload-Length": str(10**12)}, 413, "body_too_large"),
        ({"Upload-Length": "10", "Upload-Metadata": "filename ***"}, 400, "invalid_header"),
    ],
)
async def test_creation_refusals(
    api: httpx.AsyncClient, extra: dict[str, str], status: int, code: str
) -> None:
    answer = await api.post("/v1/uploads", headers={**tus_headers(), **extra})
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code
    assert answer.headers["tus-resumable"] == "1.0.0"
    if status == 412:
        assert answer.headers["tus-version"] == "1.0.0"


async def test_a_request_without_the_version_is_refused(api: httpx.AsyncClient) -> None:
    answer = await api.post("/v1/uploads", headers={**headers("tenant-a"), "Upload-Length": "5"})
    assert answer.status_code == 412
    url = await create(api, 5)
    assert (await api.head(url, headers=headers("tenant-a"))).status_code == 412


async def test_piece_refusals(api: httpx.AsyncClient) -> None:
    url = await create(api, 100)
    await piece(api, url, 0, b"x" * 10)
    wrong_offset = await piece(api, url, 5, b"y")
    assert (wrong_offset.status_code, wrong_offset.json()["code"]) == (409, "offset_mismatch")
    past = await piece(api, url, 10, b"z" * 91)
    assert (past.status_code, past.json()["code"]) == (413, "past_upload_length")
    wrong_type = await api.patch(url, content=b"z", headers=tus_headers(**{"Upload-Offset": "10"}))
    assert wrong_type.status_code == 415
    no_offset = await api.patch(
        url,
        content=b"z",
        headers=tus_headers(**{"Content-Type": "application/offset+octet-stream"}),
    )
    assert (no_offset.status_code, no_offset.json()["code"]) == (400, "invalid_header")
    assert (await api.head(url, headers=tus_headers())).headers["upload-offset"] == "10"
    unknown = await piece(api, "/v1/uploads/000000000000000000000000", 0, b"x")
    assert unknown.status_code == 404
    assert (await api.post("/v1/uploads", headers={**TUS, "Upload-Length": "5"})).status_code == 401


async def test_the_quota_is_checked_at_creation(
    api: httpx.AsyncClient,
) -> None:
    quota = media_of(api).deps.limits.tenant_quota_bytes
    limits = media_of(api).deps.limits
    assert quota > limits.largest_upload()  # the test settings' quota is the default
    async with media_of(api).uow() as uow:
        await uow.usage.add("tenant-a", quota - 100)
    answer = await api.post("/v1/uploads", headers=tus_headers(**{"Upload-Length": "101"}))
    assert (answer.status_code, answer.json()["code"]) == (413, "quota_exceeded")
    assert (
        await api.post("/v1/uploads", headers=tus_headers(**{"Upload-Length": "100"}))
    ).status_code == 201
    # That upload's 100 bytes are promised: nothing is left for another.
    answer = await api.post("/v1/uploads", headers=tus_headers(**{"Upload-Length": "1"}))
    assert (answer.status_code, answer.json()["code"]) == (413, "quota_exceeded")


async def test_another_tenants_upload_is_not_found(api: httpx.AsyncClient) -> None:
    url = await create(api, 100)
    await piece(api, url, 0, b"x" * 10)
    assert (await api.head(url, headers=tus_headers("tenant-b"))).status_code == 404
    stolen = await piece(api, url, 10, b"y" * 10, tenant="tenant-b")
    assert (stolen.status_code, stolen.json()["code"]) == (404, "not_found")
    assert (await api.delete(url, headers=tus_headers("tenant-b"))).status_code == 404
    assert (await api.head(url, headers=tus_headers())).headers["upload-offset"] == "10"


async def test_an_upload_whose_maker_died_is_taken_by_the_sweep(
    api: httpx.AsyncClient, clock: FakeClock
) -> None:
    media = media_of(api)
    data = corpus.jpeg(200, 100)
    url = await create(api, len(data), filename="late.jpg")
    upload_id = url.rsplit("/", 1)[1]
    # The last piece recorded by a request that dies before making the item.
    await resumable.append(
        media.uow(),
        media.deps,
        Caller("tenant-a"),
        upload_id,
        offset=0,
        chunks=chunks_of(data),
        expire_s=3600,
    )
    expiry = app_of(api).state.expiry
    assert await expiry.step() == 0  # still held by that request
    assert "media-id" not in (await api.head(url, headers=tus_headers())).headers
    clock.advance(timedelta(seconds=resumable_end.TAKE_HOLD_S + 1))
    assert await expiry.step() == 1
    done = await api.head(url, headers=tus_headers())
    assert done.headers["media-id"] == upload_id
    item = await api.get(f"/v1/media/{upload_id}", headers=headers("tenant-a"))
    assert (item.status_code, item.json()["filename"]) == (200, "late.jpg")
    assert await stored_names(api, upload_id) == ["original"]
