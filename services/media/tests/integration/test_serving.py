"""Serving: content-addressed URLs with strong ETags cached as immutable, ranges, downloads
with Content-Disposition, never sniffed; and one tenant's ids are another's 404, on every
operation the OpenAPI lists. Items are made public by a published release naming them."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from media_support import corpus
from media_support.app import app_of, headers, local_path
from media_support.flows import apply_release_event, processed, upload
from media_support.releases import published
from media_support.tus import TUS
from media_support.tus import create as tus_create

pytestmark = pytest.mark.connected
A, B = headers("tenant-a"), headers("tenant-b")


async def processed_item(api: httpx.AsyncClient, *, public: bool = True) -> dict[str, Any]:
    answer = await upload(api, corpus.jpeg(1000, 800), "Zoë's photo.jpg")
    assert answer.status_code == 201, answer.text
    item: dict[str, Any] = await processed(api, answer.json()["id"])
    assert item["status"] == "processed", item
    if public:
        await apply_release_event(api, published(f"r-{item['id']}", [item["id"]]))
    return item


def files_of(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in item["files"]}


async def test_a_rendition_is_cacheable_forever_and_never_sniffed(api: httpx.AsyncClient) -> None:
    web = files_of(await processed_item(api))["web"]
    answer = await api.get(local_path(web["url"]))
    assert answer.status_code == 200
    digest = re.search(r"-([0-9a-f]{64})\.jpg$", web["url"]).group(1)  # type: ignore[union-attr]
    assert answer.headers["etag"] == f'"{digest}"'  # strong: the content's SHA-256
    assert "immutable" in answer.headers["cache-control"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-type"] == "image/jpeg"
    assert answer.headers["content-disposition"].startswith("inline;")
    assert int(answer.headers["content-length"]) == web["bytes"] == len(answer.content)

    again = await api.get(local_path(web["url"]), headers={"If-None-Match": f'"{digest}"'})
    assert again.status_code == 304
    assert again.content == b""


async def test_ranges(api: httpx.AsyncClient) -> None:
    original = files_of(await processed_item(api))["public_original"]  # what the public get
    url = local_path(original["url"])
    whole = (await api.get(url)).content
    size = len(whole)

    part = await api.get(url, headers={"Range": "bytes=10-99"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 10-99/{size}"
    assert part.content == whole[10:100]

    suffix = await api.get(url, headers={"Range": "bytes=-20"})
    assert (suffix.status_code, suffix.content) == (206, whole[-20:])
    rest = await api.get(url, headers={"Range": f"bytes={size - 5}-"})
    assert (rest.status_code, rest.content) == (206, whole[-5:])

    beyond = await api.get(url, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"
    assert beyond.json()["code"] == "range_not_satisfiable"

    stale = await api.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert (stale.status_code, stale.content) == (200, whole)
    several = await api.get(url, headers={"Range": "bytes=0-1,5-6"})
    assert (several.status_code, several.content) == (200, whole)


async def test_originals_download_under_their_name(api: httpx.AsyncClient) -> None:
    item = await processed_item(api)
    for url in (local_path(files_of(item)["original"]["url"]), f"/v1/media/{item['id']}/original"):
        answer = await api.get(url, headers=A)
        assert answer.status_code == 200, (url, answer.text)
        disposition = answer.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="Zo_')
        assert "filename*=UTF-8''Zo%C3%AB%27s%20photo.jpg" in disposition
        assert answer.headers["x-content-type-options"] == "nosniff"


def operations(api: httpx.AsyncClient) -> list[tuple[str, str]]:
    document = app_of(api).openapi()
    return [
        (method.upper(), path)
        for path, methods in document["paths"].items()
        for method in methods
        if "{" in path
    ]


# A body each write takes (valid, so what answers is the lookup, not the validation).
TUS_PIECE = "application/offset+octet-stream"
BODIES = {
    ("PATCH", "/v1/media/{media_id}"): {"alt_text": "defaced"},
    ("POST", "/v1/media/{media_id}/signed-urls"): {},
    ("PATCH", "/v1/galleries/{gallery_id}"): {"title": "defaced"},
    ("PUT", "/v1/galleries/{gallery_id}/items"): {"items": []},
    ("PUT", "/v1/galleries/{gallery_id}/order"): {"media_ids": []},
    ("PUT", "/v1/galleries/{gallery_id}/items/{media_id}/caption"): {"caption": "defaced"},
    ("POST", "/v1/releases/{release_id}/press-kit/signed-url"): {},
}


def request_of(method: str, path: str) -> dict[str, Any]:
    """B's request: a valid one, so what answers is the lookup (tus needs its headers)."""
    if (method, path) == ("PATCH", "/v1/uploads/{upload_id}"):
        return {
            "headers": {**B, **TUS, "Upload-Offset": "0", "Content-Type": TUS_PIECE},
            "content": b"x",
        }
    return {"headers": {**B, **TUS}, "json": BODIES.get((method, path))}


async def test_another_tenants_ids_answer_404_everywhere(api: httpx.AsyncClient) -> None:
    item = await processed_item(api)  # public: a release of tenant A names it
    release_id = f"r-{item['id']}"
    created = await api.post(
        "/v1/galleries",
        json={"title": "A's", "release_id": release_id, "items": [{"media_id": item["id"]}]},
        headers=A,
    )
    gallery = created.json()
    upload_url = await tus_create(api, 100)
    web = files_of(item)["web"]
    tenant, media_id, file_name = local_path(web["url"]).split("/")[2:]
    values = {
        "media_id": media_id,
        "file_name": file_name,
        "gallery_id": gallery["id"],
        "release_id": release_id,
        "tenant_id": "tenant-b",  # in public paths: B's tenant, A's ids
        "upload_id": upload_url.rsplit("/", 1)[1],
    }
    tried = []
    for method, path in operations(api):
        url = path.format(**values)
        answer = await api.request(method, url, **request_of(method, path))
        assert answer.status_code == 404, (method, url, answer.text)
        if method != "HEAD":  # no body
            assert answer.json()["code"] == "not_found"
        tried.append((method, path))
    assert ("DELETE", "/v1/media/{media_id}") in tried
    assert ("DELETE", "/v1/galleries/{gallery_id}") in tried
    assert ("GET", "/files/{tenant_id}/{media_id}/{file_name}") in tried
    assert ("GET", "/v1/public/{tenant_id}/releases/{release_id}/gallery") in tried
    assert ("PATCH", "/v1/uploads/{upload_id}") in tried
    # A's item and gallery are as they were; B's listings do not show them.
    assert (await api.get(f"/v1/media/{item['id']}", headers=A)).json() == item
    assert (await api.get(f"/v1/galleries/{gallery['id']}", headers=A)).json() == gallery
    assert (await api.get("/v1/media", headers=B)).json()["items"] == []
    assert (await api.get("/v1/galleries", headers=B)).json()["items"] == []
    listed = (await api.get("/v1/media", headers=A)).json()["items"]
    assert [i["id"] for i in listed] == [item["id"]]
    assert tenant == "tenant-a"


async def test_a_file_under_another_extension_is_not_found(api: httpx.AsyncClient) -> None:
    web = files_of(await processed_item(api))["web"]
    path = local_path(web["url"])
    assert (await api.get(path)).status_code == 200
    assert (await api.get(path.removesuffix(".jpg") + ".html")).status_code == 404
    assert (await api.get(path.replace("/web-", "/thumbnail-"))).status_code == 404


async def test_head_answers_like_get_without_the_body(api: httpx.AsyncClient) -> None:
    web = files_of(await processed_item(api))["web"]
    path = local_path(web["url"])
    got, head = await api.get(path), await api.head(path)
    assert head.status_code == 200
    assert head.content == b""
    for name in ("etag", "content-length", "content-type", "cache-control", "content-disposition"):
        assert head.headers[name] == got.headers[name], name
    assert (await api.head(path, headers={"Range": "bytes=0-9"})).status_code == 206
    assert (await api.head(path.replace("tenant-a", "tenant-b"))).status_code == 404
