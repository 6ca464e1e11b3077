"""An image's way through the service: uploaded, rendered by the worker, described, served,
deleted; each step's event through the outbox."""

from __future__ import annotations

import io

import httpx
import pytest
from media_support import corpus
from media_support.app import headers, local_path, media_of
from media_support.flows import outbox_events, processed, upload
from PIL import Image

pytestmark = pytest.mark.connected
A = headers("tenant-a")


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
        "public_original",
        "thumbnail",
        "thumbnail_webp",
        "thumbnail_avif",
        "web",
        "web_webp",
        "web_avif",
        "social_card",
        "social_card_webp",
        "social_card_avif",
    }
    assert (files["social_card"]["width"], files["social_card"]["height"]) == (1200, 630)
    assert files["web_webp"]["content_type"] == "image/webp"
    assert files["web_avif"]["content_type"] == "image/avif"
    assert files["social_card"]["content_type"] == "image/jpeg"  # for social networks
    avif = await api.get(local_path(files["web_avif"]["url"]), headers=A)
    assert avif.headers["content-type"] == "image/avif"
    assert Image.open(io.BytesIO(avif.content)).format == "AVIF"

    # Every rendition and the public original are free of EXIF (GPS, serial) and XMP; the
    # original keeps what it had.
    for name, file in files.items():
        served = await api.get(local_path(file["url"]), headers=A)  # in no release: staff's
        assert served.status_code == 200, (name, served.text)
        if name == "original":
            continue
        image = Image.open(io.BytesIO(served.content))
        assert not image.getexif(), name
        for secret in (b"SecretCam", b"SERIAL-12345", b"xmpmeta", b"Jane-Secret"):
            assert secret not in served.content, (name, secret)
        assert "xmp" not in image.info, name

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
