"""Crash test: the service as a real child process (with its rendition processes and their
ffmpeg), SIGKILLed as a whole while it renders, then started again: every item (images and
videos) ends processed, each with one ``MediaProcessed``, and no stored file is left that no
item records."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from media_support import corpus, videos
from media_support.app import media_api, settings_for
from media_support.flows import upload

from newsroom_shared.outbox.store import OutboxEntry
from newsroom_testing.consumer import eventually
from newsroom_testing.fixtures import drop_test_database, end_sessions_of_departed

pytestmark = [pytest.mark.connected, pytest.mark.slow, pytest.mark.timeout(300)]
IMAGES = 6
VIDEOS = 2  # WebM: each gets a web-playable MP4 made by ffmpeg
LEASE_S = 3  # a killed process's claims come back this soon


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment(infra: Any, database: str) -> dict[str, str]:
    settings = {
        "MONGODB_DATABASE": database,
        "CONSUMERS_ENABLED": "false",
        "PUBLIC_BASE_URL": "https://media.example",
        "WORKER_INTERVAL_S": "0.05",
        "WORKER_LEASE_S": str(LEASE_S),
        "RENDER_PROCESSES": "1",
        "OUTBOX_POLL_INTERVAL_S": "0.2",
        "LOG_JSON": "false",
        "LOG_LEVEL": "WARNING",
    }
    values = {**os.environ, **{f"MEDIA_{k}": v for k, v in settings.items()}}
    values["KAFKA_BOOTSTRAP_SERVERS"] = infra.kafka_bootstrap_servers
    values["MONGODB_URI"] = infra.mongodb_uri
    return values


def start_service(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "media", "--port", str(free_port())],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@asynccontextmanager
async def service_process(
    env: dict[str, str], log: Path, mongo_client: Any
) -> AsyncIterator[subprocess.Popen[bytes]]:
    """``python -m media`` in its own process group: a SIGKILL of the group takes its rendition
    processes down with it, as a crashed pod would."""
    process = start_service(env, log)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        await end_sessions_of_departed(mongo_client, "newsroom-media")


async def test_a_sigkilled_service_restarted_processes_every_item_once(
    infra, unique, mongo_client, tmp_path: Path
) -> None:
    settings = settings_for(infra, unique, worker_enabled=False)
    db = mongo_client[settings.database_name]
    log = tmp_path / "service.log"
    try:
        async with media_api(settings) as api:
            for n in range(IMAGES):
                answer = await upload(api, corpus.jpeg(2400, 1600, color=(n * 40, 90, 120)))
                assert answer.status_code == 201, answer.text
            for n in range(VIDEOS):
                clip = videos.video("webm", seconds=4 + n, size="640x360")
                answer = await upload(api, clip, f"clip-{n}.webm")
                assert answer.status_code == 201, answer.text
        env = environment(infra, settings.database_name)

        async with service_process(env, log, mongo_client) as process:

            async def rendering() -> bool:
                assert process.poll() is None, log.read_text()[-3000:]
                # A video held: ffmpeg is at work on it (probe, poster frame or the MP4).
                claimed = {"status": "uploaded", "kind": "video", "claim_expires_at": {"$ne": None}}
                return await db["items"].count_documents(claimed) > 0

            await eventually(rendering, timeout_s=60, interval_s=0.01)
            os.killpg(process.pid, signal.SIGKILL)  # the service, its rendition process, ffmpeg
        left = await db["items"].count_documents({"status": "uploaded", "kind": "video"})
        assert left > 0, "the kill should land while a video was still being rendered"

        async with service_process(env, log, mongo_client) as process:

            async def finished() -> bool:
                assert process.poll() is None, log.read_text()[-3000:]
                done = await db["items"].count_documents({"status": "processed"})
                return bool(done == IMAGES + VIDEOS)

            await eventually(finished, timeout_s=120, interval_s=0.2)

        items = [item async for item in db["items"].find({})]
        processed = Counter()
        async for document in db["outbox"].find({}):
            for entry in OutboxEntry.all_from(document):
                if entry.topic == "newsroom.media.processed.v1":
                    processed[entry.key.decode()] += 1
        assert processed == Counter({item["_id"]: 1 for item in items})
        recorded = {f["file_id"] for item in items for f in [item["original"], *item["renditions"]]}
        stored = {str(f["_id"]) async for f in db["fs.files"].find({})}
        # A file the killed process stored but never recorded is gone (deleted by the next
        # worker that recorded its item) or pending for the sweeper; none is served.
        pending = {str(f["_id"]) async for f in db["fs.files"].find({"metadata.pending": True})}
        assert stored - pending == recorded
    finally:
        await drop_test_database(mongo_client, settings.database_name)
