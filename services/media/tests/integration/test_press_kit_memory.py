"""The press kit streams: a kit holding a 40 MiB file is sent over real HTTP while the
process (server and client) allocates a small fraction of that, and it arrives whole."""

from __future__ import annotations

import random
import time
import tracemalloc
import uuid
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from media_support import corpus
from media_support.app import TokenAuthenticator, headers, settings_for
from pymongo import MongoClient

from media.adapters.mongo.releases import release_document
from media.domain.releases import KnownRelease, ReleaseState
from media.main import create_app
from newsroom_testing.openapi_fuzz import drop_database_now, served

pytestmark = [pytest.mark.connected, pytest.mark.slow]
SIZE = 40 * 1024 * 1024
A = headers("tenant-a")


def big_pdf(size: int) -> bytes:
    """A real one-page PDF (the worker draws its preview) of about ``size`` bytes: an
    incompressible stream object carries the weight."""
    return corpus.pdf_with_payload(random.Random(7).randbytes(size - 600))


def test_a_kit_is_never_held_whole_in_memory(infra: Any, tmp_path: Path) -> None:
    settings = settings_for(infra, f"kit_{uuid.uuid4().hex[:10]}", max_document_bytes=2 * SIZE)
    received = tmp_path / "kit.zip"
    pdf = big_pdf(SIZE)
    try:
        with (
            served(lambda: create_app(settings, authenticator=TokenAuthenticator())) as url,
            httpx.Client(base_url=url, timeout=300) as http,
        ):
            uploaded = http.post(
                "/v1/media", content=pdf, params={"filename": "big.pdf"}, headers=A
            )
            assert uploaded.status_code == 201, uploaded.text
            media_id = uploaded.json()["id"]
            _processed(http, media_id)  # a kit holds processed items only
            files = http.get(f"/v1/media/{media_id}", headers=A).json()["files"]
            # The kit holds the public original: the PDF rewritten without its metadata.
            [public_size] = [f["bytes"] for f in files if f["name"] == "public_original"]
            release = KnownRelease("tenant-a", "r1", ReleaseState.PUBLIC, (media_id,), 1)
            with MongoClient(infra.mongodb_uri) as mongo:
                mongo[settings.database_name]["releases"].insert_one(release_document(release))

            tracemalloc.start()
            try:
                declared = _download(
                    http, "/v1/public/tenant-a/releases/r1/press-kit.zip", received
                )
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    finally:
        drop_database_now(infra.mongodb_uri, settings.database_name)
    print(f"press kit of {declared} bytes: peak traced memory {peak} bytes")
    assert declared > public_size > SIZE
    assert peak < SIZE / 4, f"peak {peak} bytes while sending {declared}"
    assert received.stat().st_size == declared  # Content-Length is what was sent
    with zipfile.ZipFile(received) as archive:
        assert archive.testzip() is None  # every CRC right
        assert archive.getinfo("01-big.pdf").file_size == public_size


def _processed(http: httpx.Client, media_id: str) -> None:
    deadline = time.monotonic() + 120  # a bound on waiting, not a measurement
    while http.get(f"/v1/media/{media_id}", headers=A).json()["status"] == "uploaded":
        assert time.monotonic() < deadline, "the worker did not process the upload"
        time.sleep(0.1)


def _download(http: httpx.Client, path: str, into: Path) -> int:
    """The answer written to ``into`` as it arrives; its declared length."""
    with http.stream("GET", path) as answer, into.open("wb") as out:
        assert answer.status_code == 200
        for chunk in answer.iter_raw():
            out.write(chunk)
        return int(answer.headers["content-length"])
