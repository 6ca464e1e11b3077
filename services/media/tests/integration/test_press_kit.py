"""The press kit through the API: one ZIP that `zipfile` opens, the originals in the gallery's
order, a manifest of credits, licences, captions and alt text; an exact Content-Length, a
strong ETag, a download name; public only for a public release, else a key or signed link."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx
import pytest
from media_support import corpus
from media_support.app import headers, local_path
from media_support.flows import apply_release_event, processed, upload
from media_support.releases import embargoed, published, withdrawn

pytestmark = pytest.mark.connected
A = headers("tenant-a")
KIT = "/v1/public/tenant-a/releases/r1/press-kit.zip"


async def described_item(api: httpx.AsyncClient, data: bytes, name: str, **fields: Any) -> str:
    answer = await upload(api, data, name)
    assert answer.status_code == 201, answer.text
    media_id = str(answer.json()["id"])
    assert (await processed(api, media_id))["status"] == "processed"
    assert (await api.patch(f"/v1/media/{media_id}", json=fields, headers=A)).status_code == 200
    return media_id


async def release_with_gallery(api: httpx.AsyncClient) -> tuple[str, str]:
    photo = await described_item(
        api,
        corpus.jpeg(640, 480),
        "pad.jpg",
        alt_text="The rocket on its pad",
        credit="Acme / J. Doe",
        licence="Free for editorial use",
    )
    sheet = await described_item(api, corpus.pdf(), "Fact sheet.pdf", title="Facts")
    gallery = {
        "title": "Launch",
        "release_id": "r1",
        "items": [{"media_id": sheet}, {"media_id": photo, "caption": "Ready at dawn"}],
    }
    assert (await api.post("/v1/galleries", json=gallery, headers=A)).status_code == 201
    return photo, sheet


async def original_of(api: httpx.AsyncClient, media_id: str) -> bytes:
    return (await api.get(f"/v1/media/{media_id}/original", headers=A)).content


async def public_original_of(api: httpx.AsyncClient, media_id: str) -> bytes:
    """The original without personal metadata: what the kit holds."""
    item = (await api.get(f"/v1/media/{media_id}", headers=A)).json()
    files = {f["name"]: f["url"] for f in item["files"]}
    url = files.get("public_original", files["original"])
    return (await api.get(local_path(url), headers=A)).content


async def test_a_public_release_kit(api: httpx.AsyncClient) -> None:
    photo, sheet = await release_with_gallery(api)
    assert (await api.get(KIT)).status_code == 404  # not known yet: a draft's, maybe
    await apply_release_event(api, published("r1", [photo, sheet]))

    answer = await api.get(KIT)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    assert int(answer.headers["content-length"]) == len(answer.content)
    assert answer.headers["content-disposition"].startswith(
        'attachment; filename="roadrunner-2-press-kit.zip"'
    )
    assert answer.headers["cache-control"] == "public, no-cache"
    etag = answer.headers["etag"]
    assert etag.startswith('"')  # strong: no W/

    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert archive.testzip() is None
    assert archive.namelist() == [
        "01-Fact_sheet.pdf",
        "02-pad.jpg",
        "manifest.json",
        "MANIFEST.txt",
    ]
    assert archive.read("01-Fact_sheet.pdf") == await public_original_of(api, sheet)
    assert archive.read("02-pad.jpg") == await public_original_of(api, photo)
    manifest = json.loads(archive.read("manifest.json"))
    pad = manifest["files"][1]
    assert (pad["media_id"], pad["caption"], pad["alt_text"]) == (
        photo,
        "Ready at dawn",
        "The rocket on its pad",
    )
    assert (pad["credit"], pad["licence"]) == ("Acme / J. Doe", "Free for editorial use")
    assert "Licence: Free for editorial use" in archive.read("MANIFEST.txt").decode()

    again = await api.get(KIT)
    assert (again.headers["etag"], again.content) == (etag, answer.content)  # strong: same bytes
    cached = await api.get(KIT, headers={"If-None-Match": etag})
    assert (cached.status_code, cached.content) == (304, b"")
    await api.patch(f"/v1/media/{photo}", json={"credit": "Acme Corp"}, headers=A)
    assert (await api.get(KIT)).headers["etag"] != etag  # the manifest changed

    await apply_release_event(api, withdrawn("r1"))
    gone = await api.get(KIT)
    assert (gone.status_code, gone.json()["code"]) == (410, "withdrawn")


async def test_an_embargoed_release_kit_needs_a_key_or_a_signed_link(
    api: httpx.AsyncClient,
) -> None:
    photo, _ = await release_with_gallery(api)
    missing = await api.post("/v1/releases/r1/press-kit/signed-url", json={}, headers=A)
    assert missing.status_code == 404  # media has not heard of the release yet
    await apply_release_event(api, embargoed("r1", [photo]))
    assert (await api.get(KIT)).status_code == 404

    staff = await api.get(KIT, headers=A)
    assert staff.status_code == 200
    assert staff.headers["cache-control"] == "private, no-store"
    names = zipfile.ZipFile(io.BytesIO(staff.content)).namelist()
    assert names == ["01-pad.jpg", "manifest.json", "MANIFEST.txt"]  # only what it names

    signed = await api.post("/v1/releases/r1/press-kit/signed-url", json={}, headers=A)
    assert signed.status_code == 200, signed.text
    url = local_path(signed.json()["url"])
    assert (await api.get(url)).content == staff.content

    path, query = url.split("?")
    fields = {k: v[0] for k, v in parse_qs(query).items()}
    longer = {**fields, "expires": str(int(fields["expires"]) + 60)}
    tampered = await api.get(f"{path}?{urlencode(longer)}")
    assert (tampered.status_code, tampered.json()["code"]) == (403, "invalid_signature")
    other = await api.get(f"{path.replace('/r1/', '/r2/')}?{query}")
    assert other.status_code == 404  # not known; the signature would not fit it either
