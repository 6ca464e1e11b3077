"""Benchmark P7: images processed per second with all renditions, against a raw loop.

System: the media service as it runs (``create_app``): images uploaded through its API first
(stored in GridFS), then timed from the worker's first claim to the last item recorded
processed: claim, original copied out of GridFS, renditions made in the service's process
pool, stored in GridFS together, item and ``MediaProcessed`` recorded in one transaction.

Baseline (raw), same run, same images, same library, same number of processes: a plain
``ProcessPoolExecutor`` mapping the same Pillow rendering functions (``render_image``: decode in
draft mode, upright, each rendition resized and saved as JPEG, WebP and AVIF, a BlurHash; and
``clean_image``: the public original without metadata) over the image files on local disk:
no database, no storage, no claims, no events. So the ratio is what the service adds around
the rendering itself. Rounds alternate raw and system.

Also reported: database commands per image (PyMongo command monitoring, every client of the
process), the CPU time per image of this process (the service's event loop and driver; the
rendition processes are not in it) and of the local MongoDB-protocol server when one runs on
this machine (read from ``/proc``: on a shared machine CPU time varies much less with the
other load than images per second do); and the peak resident memory of a rendition process
on a 50-megapixel JPEG, against the same process idle (memory stays bounded: JPEG draft
mode decodes at 1/4 or 1/8 scale); and on a ~1 GB video (4K Motion-JPEG in MOV, so it gets
the whole treatment: probe, poster frame, transcoding to a web-playable MP4), generated
with ffmpeg and deleted afterwards, next to a ~1/10 as large one of the same frames: ffmpeg
streams the file, so the peak follows the frame size and the codecs' buffers, not the
file's size.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
import random
import statistics
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import imageio_ffmpeg
from asgi_lifespan import LifespanManager
from PIL import Image
from pymongo import monitoring

from bench.counting import Commands
from bench.rss_probe import render_and_measure, render_video_and_measure, warm
from media.adapters.cleaning import clean_image
from media.adapters.imaging import render_image
from media.config import MediaSettings
from media.main import create_app
from newsroom_shared.http.auth import Principal, Scope
from newsroom_shared.mongo import make_client

# 4K noise in Motion JPEG: ~210 MB a second. The smaller ones show where the peak levels off:
# once the decoder's and the encoder's frame queues are full, more frames add no memory.
VIDEO_SECONDS = {"1 GB": 5.0, "0.5 GB": 2.5, "0.1 GB": 0.5}
VIDEO_TIMEOUT_S = 1800.0
IMAGES = 24  # per round: 4-megapixel photos
SIZE = (2400, 1600)
PROCESSES = 2
TOKEN = "bench-token"


class BenchAuthenticator:
    async def authenticate(self, token: str) -> Principal | None:
        if token != TOKEN:
            return None
        return Principal("bench-tenant", "bench-key", frozenset({Scope.editor}))


def photo(seed: int) -> bytes:
    """A JPEG that compresses like a photo: a gradient with noise."""
    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    noise = Image.frombytes(
        "RGB", (SIZE[0] // 8, SIZE[1] // 8), rng.randbytes(SIZE[0] * SIZE[1] * 3 // 64)
    )
    picture = Image.blend(base, noise.resize(SIZE), 0.3)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def raw_render(path: str) -> int:
    """What the worker makes of one file on local disk (the renditions and the public
    original), written to a scratch folder; their count."""
    with tempfile.TemporaryDirectory() as out:
        files = render_image(path, out).files
        return len((*files, clean_image(path, out, "image/jpeg", "jpg")))


def fresh_pool(processes: int = PROCESSES) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))


async def raw_round(paths: list[str]) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    with fresh_pool() as pool:
        await asyncio.gather(*(loop.run_in_executor(pool, warm) for _ in range(PROCESSES)))
        started = time.perf_counter()
        await asyncio.gather(*(loop.run_in_executor(pool, raw_render, p) for p in paths))
        elapsed = time.perf_counter() - started
    return {
        "images": len(paths),
        "seconds": round(elapsed, 3),
        "images_per_s": round(len(paths) / elapsed, 2),
    }


async def system_round(
    bootstrap: str, mongo_uri: str, photos: list[bytes], commands: Commands
) -> dict[str, Any]:
    settings = MediaSettings(
        kafka_bootstrap_servers=bootstrap,
        mongodb_uri=mongo_uri,
        mongodb_database=f"bench_media_{uuid.uuid4().hex[:8]}",
        consumer_group=f"bench-media-{uuid.uuid4().hex[:8]}",
        consumers_enabled=False,
        worker_enabled=False,  # driven below, so the clock covers rendering only
        render_processes=PROCESSES,
        log_level="WARNING",
        log_json=False,
    )
    app = create_app(settings, authenticator=BenchAuthenticator())
    server = local_server(mongo_uri)
    media = app.state.media
    worker = app.state.worker
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                for data in photos:
                    answer = await http.post(
                        "/v1/media", content=data, headers={"Authorization": f"Bearer {TOKEN}"}
                    )
                    answer.raise_for_status()
                # Warm the pool's processes (spawned on first use) outside the clock, as the
                # raw loop does.
                executor = media.pool.executor()
                loop = asyncio.get_running_loop()
                await asyncio.gather(
                    *(loop.run_in_executor(executor, warm) for _ in range(PROCESSES))
                )
                commands.reset()
                server_cpu = server_cpu_seconds(server)
                own_cpu = time.process_time()
                started = time.perf_counter()
                done = 0
                while done < len(photos):
                    handled = await worker.step()
                    if not handled:
                        raise RuntimeError("the worker found nothing left to do before the end")
                    done += handled
                elapsed = time.perf_counter() - started
                own_cpu = time.process_time() - own_cpu
                server_cpu = server_cpu_seconds(server) - server_cpu
                per_image = commands.per(len(photos))
                by_collection = commands.per_collection(len(photos))
                processed = await media.runtime.db["items"].count_documents({"status": "processed"})
                assert processed == len(photos), processed
    finally:
        client = make_client(mongo_uri)
        await client.drop_database(settings.database_name)
        await client.close()
    return {
        "images": len(photos),
        "seconds": round(elapsed, 3),
        "images_per_s": round(len(photos) / elapsed, 2),
        "service_process_cpu_s_per_image": round(own_cpu / len(photos), 4),
        "db_server_cpu_s_per_image": None if server is None else round(server_cpu / len(photos), 4),
        "db_commands_per_image": {k: round(v, 2) for k, v in per_image.items()},
        "db_commands_per_image_by_collection": {k: round(v, 2) for k, v in by_collection.items()},
    }


def local_server(mongo_uri: str) -> int | None:
    """The pid of the MongoDB-protocol server listening on the URI's port on this machine,
    found by its command line (``--port N``); None when there is none (a remote server)."""
    port = mongo_uri.rsplit(":", 1)[-1].split("/")[0].split("?")[0]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--port" in args and args[args.index(b"--port") + 1 :][:1] == [port.encode()]:
            return int(cmdline.parent.name)
    return None


def server_cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of the process so far (``/proc/<pid>/stat``)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def memory_on_50_megapixels() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "50mp.jpg"
        big = Image.linear_gradient("L").resize((8600, 5800)).convert("RGB")  # 49.9 MP
        big.save(path, "JPEG", quality=90)
        del big
        loop = asyncio.get_running_loop()
        with fresh_pool(1) as pool:
            measured = await loop.run_in_executor(
                pool, render_and_measure, str(path), MediaSettings().max_image_pixels
            )
        return {
            "file_mb": round(path.stat().st_size / 1e6, 1),
            **measured,
            "decoded_full_size_would_be_mb": round(8600 * 5800 * 3 / 1e6, 1),
        }


def generate_video(path: Path, seconds: float) -> None:
    """4K frames of a moving pattern with noise (so they do not compress), Motion JPEG at top
    quality, with sound: about 210 MB a second, and not web-playable (transcoded)."""
    frames = f"testsrc2=size=3840x2160:rate=30:duration={seconds},noise=alls=60:allf=t"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            *("-hide_banner", "-nostdin", "-v", "error", "-y"),
            *("-f", "lavfi", "-i", frames, "-f", "lavfi", "-i", f"sine=duration={seconds}"),
            *("-c:v", "mjpeg", "-q:v", "1", "-c:a", "pcm_s16le", "-shortest", str(path)),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
    )


async def memory_on_videos() -> dict[str, Any]:
    """A rendition process's peak (and its ffmpeg's) on each generated video; each file is
    deleted once measured."""
    loop = asyncio.get_running_loop()
    report: dict[str, Any] = {}
    for label, seconds in VIDEO_SECONDS.items():
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "video.mov"
            await asyncio.to_thread(generate_video, path, seconds)
            with fresh_pool(1) as pool:
                measured = await loop.run_in_executor(
                    pool,
                    render_video_and_measure,
                    str(path),
                    "video/quicktime",
                    MediaSettings().max_image_pixels,
                    VIDEO_TIMEOUT_S,
                )
            report[label] = {"file_mb": round(path.stat().st_size / 1e6, 1), **measured}
    return report


async def run(bootstrap: str, mongo_uri: str, events: int, rounds: int) -> dict[str, Any]:
    del events  # P7's unit is an image: IMAGES per round
    commands = Commands()
    monitoring.register(commands)  # every client of the process, the app's included
    photos = [photo(seed) for seed in range(IMAGES)]
    report: dict[str, Any] = {
        "benchmark": "P7 renditions",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "images_per_round": IMAGES,
        "image": f"{SIZE[0]}x{SIZE[1]} JPEG, ~{round(statistics.mean(map(len, photos)) / 1e3)} KB",
        "processes": PROCESSES,
        "rounds": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for n, data in enumerate(photos):
            path = Path(folder) / f"{n}.jpg"
            path.write_bytes(data)
            paths.append(str(path))
        for _ in range(rounds):
            raw = await raw_round(paths)
            system = await system_round(bootstrap, mongo_uri, photos, commands)
            system["ratio"] = round(system["images_per_s"] / raw["images_per_s"], 3)
            report["rounds"].append({"raw": raw, "system": system})
    report["median_ratio"] = statistics.median(r["system"]["ratio"] for r in report["rounds"])
    report["goal"] = "system >= 0.8 of raw"
    report["memory_50_megapixel_jpeg"] = await memory_on_50_megapixels()
    if os.environ.get("P7_VIDEO", "1") != "0":  # P7_VIDEO=0: the image figures only
        report["memory_video"] = await memory_on_videos()
    return report
