"""tus through the one origin: Caddy, configured as ``./dev up`` does, in front of media. The
upload's Location carries the proxy's prefix, and browsers' tus clients are let send and read
the protocol's headers (CORS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from media_support.app import TokenAuthenticator, settings_for
from media_support.tus import TUS, tus_headers

from media.entrypoints.http import tus
from media.main import create_app
from newsroom_testing.fixtures import drop_test_database
from newsroom_testing.origin import caddy, caddy_binary, free_port, serving

pytestmark = pytest.mark.connected
PAGE = "https://cms.example"  # a page of another origin embedding the uploader


async def test_tus_through_the_proxy(
    infra: Any, unique: str, mongo_client: Any, tmp_path: Path
) -> None:
    settings = settings_for(infra, unique, worker_enabled=False)
    app = create_app(settings, authenticator=TokenAuthenticator())
    try:
        async with serving(app, root_path="/api/media") as media_port:
            port = free_port()
            # The pages' service is required by the route table; nothing here asks it.
            with caddy(
                caddy_binary(), tmp_path, port, {"publisher": free_port(), "media": media_port}
            ):
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                    await _check(http)
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def _check(http: httpx.AsyncClient) -> None:
    preflight = await http.options(
        "/api/media/v1/uploads",
        headers={
            "Origin": PAGE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, tus-resumable, upload-length",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert {"authorization", "tus-resumable", "upload-length", "upload-offset"} <= {
        h.strip() for h in allowed.split(",")
    }
    created = await http.post(
        "/api/media/v1/uploads",
        headers={**tus_headers(**{"Upload-Length": "4"}), "Origin": PAGE},
    )
    assert created.status_code == 201, created.text
    location = created.headers["location"]
    assert location.startswith("/api/media/v1/uploads/")
    exposed = {
        h.strip().lower() for h in created.headers["access-control-expose-headers"].split(",")
    }
    assert {h.lower() for h in tus.EXPOSED_HEADERS} <= exposed
    piece_preflight = await http.options(
        location,
        headers={
            "Origin": PAGE,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, tus-resumable, upload-offset",
        },
    )
    assert piece_preflight.status_code == 204
    assert "PATCH" in piece_preflight.headers["access-control-allow-methods"]
    sent = await http.patch(
        location,
        content=b"abcd",
        headers={
            **tus_headers(),
            **TUS,
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
        },
    )
    assert sent.status_code == 415  # four bytes of nothing: taken and refused like any upload
    assert sent.headers["tus-resumable"] == "1.0.0"
    assert (await http.get("/api/media/v1/uploadsX")).headers.get(
        "access-control-allow-origin"
    ) is None  # other paths are not opened to other origins
