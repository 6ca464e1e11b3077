"""An image's way through the service: uploaded, rendered by the worker, described, served,
deleted; each step's event through the outbox."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from PIL import Image
from support import corpus
from support.app import headers, local_path, media_of

from newsroom_shared.outbox.store import OutboxEntry
from newsroom_testing.consumer import eventually

pytestmark = pytest.mark.connected
A = headers("tenant-a")


async def upload(api: httpx.AsyncClient, data: bytes, name: str = "photo.jpg") -> httpx.Response:
    return await api.post(
        "/v1/media",
        params={"filename": name},
        content=data,
        headers={**A, "Content-Type": "application/octet-stream"},
    )


async def processed(api: httpx.AsyncClient, media_id: str) -> dict:
    found: dict = {}

    async def done() -> bool:
        answer = await api.get(f"/v1/media/{media_id}", headers=A)
        found.update(answer.json())
        return found["status"] != "uploaded"

    await eventually(done, timeout_s=60)
    return found


async def outbox_events(api: httpx.AsyncClient, media_id: str) -> list[tuple[str, dict]]:
    """The item's events as written to the outbox, in order."""
    db = media_of(api).runtime.db
    events = []
    async for document in db["outbox"].find({}).sort([("seq", 1), ("_id", 1)]):
        for entry in OutboxEntry.all_from(document):
            if entry.key == media_id.encode():
                events.append((entry.topic, json.loads(entry.value)))
    return events


async def test_an_image_is_rendered_described_served_and_deleted(api: httpx.AsyncClient) -> None:
    answer = await upload(api, corpus.jpeg(2400, 1600, gps=True), "Launch day.JPG")
    assert answer.status_code == 201, answer.text
    item = answer.json()
    assert (item["status"], item["content_type"], item["filename"]) == (
        "uploaded",
        "image/jpeg",
        "Launch day.jpg",
    )
    assert (item["width"], item["height"]) == (2400, 1600)

    item = await processed(api, item["id"])
    assert item["status"] == "processed", item
    assert item["blurhash"]
    files = {f["name"]: f for f in item["files"]}
    assert set(files) == {
        "original",
        "thumbnail",
        "thumbnail_webp",
        "web",
        "web_webp",
        "social_card",
        "social_card_webp",
    }
    assert (files["social_card"]["width"], files["social_card"]["height"]) == (1200, 630)
    assert files["web_webp"]["content_type"] == "image/webp"

    # Every rendition is free of EXIF (GPS, serial) and XMP; the original keeps what it had.
    for name, file in files.items():
        served = await api.get(local_path(file["url"]))
        assert served.status_code == 200, (name, served.text)
        if name == "original":
            continue
        image = Image.open(io.BytesIO(served.content))
        assert not image.getexif(), name
        assert b"SecretCam" not in served.content and b"SERIAL-12345" not in served.content
        assert b"xmpmeta" not in served.content and "xmp" not in image.info, name

    described = await api.patch(
        f"/v1/media/{item['id']}",
        json={"alt_text": "A rocket on its pad", "credit": "Acme", "tags": ["launch", "launch"]},
        headers=A,
    )
    assert described.status_code == 200, described.text
    assert described.json()["tags"] == ["launch"]

    deleted = await api.delete(f"/v1/media/{item['id']}", headers=A)
    assert deleted.status_code == 204, deleted.text
    assert (await api.get(f"/v1/media/{item['id']}", headers=A)).status_code == 404
    assert (await api.get(local_path(files["web"]["url"]))).status_code == 404
    topics = [topic for topic, _ in await outbox_events(api, item["id"])]
    assert topics == [
        "newsroom.media.uploaded.v1",
        "newsroom.media.processed.v1",
        "newsroom.media.processed.v1",  # described again: consumers learn the alt text
        "newsroom.media.deleted.v1",
    ]
    last_processed = (await outbox_events(api, item["id"]))[2][1]
    assert last_processed["alt_text"] == "A rocket on its pad"
    assert last_processed["blurhash"] == item["blurhash"]
    card = next(r for r in last_processed["renditions"] if r["name"] == "social_card")
    assert card["url"].startswith("https://media.example/files/tenant-a/")
    db = media_of(api).runtime.db
    assert await db["fs.files"].count_documents({"metadata.media_id": item["id"]}) == 0
    assert await db["usage"].find_one({"_id": "tenant-a"}) == {"_id": "tenant-a", "bytes": 0}
