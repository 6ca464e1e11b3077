"""Fetching a post's image to upload it: with the adapters' client, capped in size, checked."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from distribution.adapters.networks.http import OutcomeError, check_destination, failure_for, refuse
from distribution.adapters.transport_errors import classify_error
from newsroom_shared.outbound_urls import insecure_allowed

# Formats every network we upload to accepts as a still image.
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


@dataclass(frozen=True, slots=True)
class Image:
    content: bytes
    content_type: str
    filename: str


def _no_detail(_: object) -> None:
    return None


async def download_image(
    client: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    http_timeout: httpx.Timeout,
    allow_insecure: bool,
) -> Image:
    """The image at ``url``; :class:`OutcomeError` when it is unreachable, not an image, or larger
    than ``max_bytes`` (read as a stream, so a huge file is never held whole)."""
    await check_destination(url, allow_insecure=allow_insecure)
    try:
        async with client.stream(
            "GET",
            url,
            timeout=http_timeout,
            follow_redirects=False,
            extensions=insecure_allowed(allow_insecure),
        ) as response:
            if not response.is_success:
                await response.aread()
                failure = failure_for(response, _no_detail)
                raise OutcomeError(failure or refuse(f"unexpected answer for {url}").outcome)
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type not in IMAGE_TYPES:
                raise refuse(f"the image at {url} is {content_type or 'untyped'}, not an image")
            content = await _read_capped(response, max_bytes, url)
    except httpx.HTTPError as error:
        failure = classify_error(error)
        raise (
            OutcomeError(failure) if failure else refuse(f"image download failed: {error}")
        ) from None
    filename = url.rsplit("/", 1)[-1].split("?")[0] or "image"
    return Image(content, content_type, filename)


async def _read_capped(response: httpx.Response, max_bytes: int, url: str) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise refuse(f"the image at {url} is larger than {max_bytes} bytes")
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise refuse(f"the image at {url} is larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
