"""Personal metadata never reaches the public (issue 11): phone files with GPS, serials, XMP
and a video's location go through the real upload API and worker; the public original (plain
file route of a published release, signed link, press kit, MediaProcessed) carries none of
it, while staff still download the upload byte for byte."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from typing import Any

import httpx
import pytest
from media_support import corpus, videos
from media_support.app import headers, local_path
from media_support.flows import apply_release_event, outbox_events, processed, upload
from media_support.releases import published
from PIL import Image

pytestmark = pytest.mark.connected
A = headers("tenant-a")
KIT = "/v1/public/tenant-a/releases/r1/press-kit.zip"
PHONE_FILES = {
    "phone.jpg": corpus.phone_jpeg,
    "screen.png": corpus.phone_png,
    "sticker.webp": corpus.phone_webp,
    "clip.mp4": videos.located_video,
}


def files_of(item: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: local_path(f["url"]) for f in item["files"]}


def assert_clean(name: str, data: bytes) -> None:
    """No GPS, serial, maker, XMP or comment, parsed the way each format stores them."""
    for secret in corpus.SECRETS:
        assert secret not in data, (name, secret)
    if name.endswith(".mp4"):
        report = videos.metadata_report(data)
        assert "location" not in report, report
        assert "ISO6709" not in report, report
        return
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    assert not exif.get_ifd(0x8825), name  # GPS
    assert set(exif) <= {0x0112}, (name, dict(exif))  # at most the orientation
    assert "xmp" not in image.info, name
    if name.endswith(".png"):
        assert not {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"} & set(png_chunks(data))
    if name.endswith(".webp"):
        assert b"EXIF" not in data
        assert b"XMP " not in data


def png_chunks(data: bytes) -> list[bytes]:
    kinds, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        kinds.append(kind)
        pos += 12 + length
    return kinds


async def uploaded_phone_files(api: httpx.AsyncClient) -> dict[str, tuple[bytes, dict[str, Any]]]:
    made = {}
    for name, make in PHONE_FILES.items():
        data = make()
        answer = await upload(api, data, name)
        assert answer.status_code == 201, answer.text
        item = await processed(api, answer.json()["id"])
        assert item["status"] == "processed", item
        made[name] = (data, item)
    return made


async def test_the_public_get_the_upload_without_its_personal_metadata(
    api: httpx.AsyncClient,
) -> None:
    made = await uploaded_phone_files(api)
    for name, (data, item) in made.items():
        files = files_of(item)
        assert {"original", "public_original"} <= set(files), name
        # Before any release: a signed link gives the public original, never the upload.
        links = await api.post(f"/v1/media/{item['id']}/signed-urls", json={}, headers=A)
        signed = {f["name"]: f["url"] for f in links.json()["files"]}
        assert local_path(signed["original"]).startswith(files["public_original"] + "?")
        assert not any(u.startswith(files["original"]) for u in map(local_path, signed.values()))
        assert_clean(name, (await api.get(local_path(signed["original"]))).content)
        # Staff keep the upload itself, byte for byte.
        staff = await api.get(f"/v1/media/{item['id']}/original", headers=A)
        assert staff.content == data
        assert (await api.get(files["original"], headers=A)).content == data

    await apply_release_event(api, published("r1", [item["id"] for _, item in made.values()]))
    for name, (_, item) in made.items():
        files = files_of(item)
        hidden = await api.get(files["original"])  # public release: still not the upload
        assert hidden.status_code == 404, name
        public = await api.get(files["public_original"])
        assert public.status_code == 200, (name, public.text)
        assert public.headers["content-disposition"].startswith("attachment"), name
        assert public.headers["content-type"] == item["content_type"], name
        assert_clean(name, public.content)

    jpeg_upload, jpeg_item = made["phone.jpg"]
    cleaned = (await api.get(files_of(jpeg_item)["public_original"])).content
    before, after = Image.open(io.BytesIO(jpeg_upload)), Image.open(io.BytesIO(cleaned))
    assert dict(after.getexif()) == {0x0112: 6}  # shown upright, as the phone meant
    assert after.tobytes() == before.tobytes()  # lossless: not one pixel changed
    assert after.info["icc_profile"] == before.info["icc_profile"]

    clip = made["clip.mp4"][1]
    assert local_path(clip["playable_url"]) == files_of(clip)["public_original"]


async def test_the_press_kit_and_the_event_name_only_the_public_original(
    api: httpx.AsyncClient,
) -> None:
    made = await uploaded_phone_files(api)
    await apply_release_event(api, published("r1", [item["id"] for _, item in made.values()]))
    answer = await api.get(KIT)
    assert answer.status_code == 200, answer.text
    assert int(answer.headers["content-length"]) == len(answer.content)
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    manifest = {f["media_id"]: f for f in json.loads(archive.read("manifest.json"))["files"]}
    for name, (data, item) in made.items():
        entry = manifest[item["id"]]
        kept = archive.read(entry["file"])
        assert kept != data, name
        assert_clean(name, kept)
        public = (await api.get(files_of(item)["public_original"])).content
        assert kept == public, name
        assert entry["bytes"] == len(kept), name

        last = [e for topic, e in await outbox_events(api, item["id"]) if "processed" in topic]
        event = last[-1]
        assert local_path(event["url"]) == files_of(item)["public_original"], name
        names = [r["name"] for r in event["renditions"]]
        assert "public_original" not in names
        assert names[0] == "original"
        assert not any(
            local_path(r["url"]) == files_of(item)["original"] for r in event["renditions"]
        )


async def test_another_tenant_cannot_reach_the_public_original(api: httpx.AsyncClient) -> None:
    answer = await upload(api, corpus.phone_jpeg(), "phone.jpg")
    item = await processed(api, answer.json()["id"])
    path = files_of(item)["public_original"]
    assert (await api.get(path, headers=headers("tenant-b"))).status_code == 404
    other = path.replace("/tenant-a/", "/tenant-b/")
    assert (await api.get(other, headers=headers("tenant-b"))).status_code == 404
    assert (await api.get(path)).status_code == 404  # in no release: not public
