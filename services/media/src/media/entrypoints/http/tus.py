"""The tus 1.0 protocol's headers (https://tus.io/protocols/resumable-upload): the version
every request names, the upload's metadata, dates, and ``Tus-Resumable`` on every answer."""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsroom_shared.http.errors import ApiError, BadRequest

VERSION = "1.0.0"
EXTENSIONS = "creation,expiration,termination"
PATH = "/v1/uploads"
PIECE_TYPE = "application/offset+octet-stream"
# What browsers' tus clients (Uppy, tus-js-client) must be let read from our answers: the
# proxy exposes them (deploy/proxy/routes.py; test_tus_proxy.py checks it does).
EXPOSED_HEADERS = (
    "Location",
    "Upload-Offset",
    "Upload-Length",
    "Upload-Metadata",
    "Upload-Expires",
    "Tus-Resumable",
    "Tus-Version",
    "Tus-Extension",
    "Tus-Max-Size",
    "Media-Id",
)


class PreconditionFailed(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 412
    default_code = "tus_version_unsupported"
    default_message = f"This server speaks tus {VERSION} only (Tus-Resumable: {VERSION})"


def _tus_version(
    version: Annotated[
        str | None, Header(alias="Tus-Resumable", description=f"Must be {VERSION}")
    ] = None,
) -> None:
    if version != VERSION:
        raise PreconditionFailed(headers={"Tus-Version": VERSION})


TusVersion = Depends(_tus_version)


def non_negative(value: str | None, header: str) -> int:
    if value is None or not value.isdigit() or len(value) > 18:
        raise BadRequest(f"{header} must be a whole number of bytes", code="invalid_header")
    return int(value)


def metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64(value)`` pairs (a value may be
    left out)."""
    found: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in (header or "").split(","))):
        key, _, encoded = pair.partition(" ")
        try:
            found[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise BadRequest(
                f"Upload-Metadata: the value of {key!r} is not base64 of UTF-8 text",
                code="invalid_header",
            ) from error
    return found


def encoded_metadata(values: dict[str, str]) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items() if v)


def http_date(moment: datetime) -> str:
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return format_datetime(utc, usegmt=True)


async def body_until_cut(request: Request) -> AsyncIterator[bytes]:
    """The request's body as it arrives; a client gone midway ends it (what arrived is kept:
    tus clients ask for the offset and send the rest)."""
    try:
        async for chunk in request.stream():
            if chunk:
                yield chunk
    except ClientDisconnect:
        return


class TusResumableHeader:
    """Adds ``Tus-Resumable`` to every answer under the tus endpoint, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        root: str = scope.get("root_path", "")
        route = path.removeprefix(root)
        if scope["type"] != "http" or not (route == PATH or route.startswith(f"{PATH}/")):
            await self.app(scope, receive, send)
            return

        async def with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"tus-resumable", VERSION.encode()),
                ]
            await send(message)

        await self.app(scope, receive, with_header)
