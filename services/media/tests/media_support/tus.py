"""Steps of the tus tests: the protocol's headers, an upload created and sent in pieces."""

from __future__ import annotations

import base64

import httpx

from media_support.app import headers

TUS = {"Tus-Resumable": "1.0.0"}


def tus_headers(tenant: str = "tenant-a", **extra: str) -> dict[str, str]:
    return {**headers(tenant), **TUS, **extra}


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


async def create(
    api: httpx.AsyncClient, length: int, tenant: str = "tenant-a", **described: str
) -> str:
    """A new upload's path (its Location)."""
    extra = {"Upload-Length": str(length)}
    if described:
        extra["Upload-Metadata"] = metadata(**described)
    answer = await api.post("/v1/uploads", headers=tus_headers(tenant, **extra))
    assert answer.status_code == 201, answer.text
    return answer.headers["location"]


async def piece(
    api: httpx.AsyncClient, url: str, offset: int, data: bytes, tenant: str = "tenant-a"
) -> httpx.Response:
    return await api.patch(
        url,
        content=data,
        headers=tus_headers(
            tenant,
            **{"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
        ),
    )
