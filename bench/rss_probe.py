"""Run in a fresh process by P7: resident memory around one rendering (an image, or a video
with the ffmpeg it starts). Imports only the rendering code, so the figures are a rendition
process's, not the benchmark's."""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from media.adapters.imaging import render_image
from media.adapters.pillow_setup import configure_pillow
from media.adapters.video import render_video


def warm() -> None:
    """Run once per pool process before the clock starts: this module's import brings the
    rendering code in (Pillow, pillow-heif, blurhash), so neither side pays imports on the
    clock. It lingers a moment so that each process of the pool gets one of these jobs."""
    time.sleep(1.5)


def status_mb(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, from /proc (``ru_maxrss`` would
    carry the parent's peak: Linux keeps it across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def render_and_measure(path: str, max_pixels: int) -> dict[str, float]:
    """RSS before, and the peak while rendering ``path``, in MB."""
    configure_pillow(max_pixels)
    before = status_mb("VmRSS")
    with tempfile.TemporaryDirectory() as out:
        render_image(path, out)
    return {"rss_before_mb": round(before, 1), "peak_rss_mb": round(status_mb("VmHWM"), 1)}


def render_video_and_measure(
    path: str, content_type: str, max_pixels: int, timeout_s: float
) -> dict[str, float]:
    """Process the video at ``path`` as the worker does (probe, poster frame and its
    renditions, the web-playable MP4): RSS before, this process's peak, and the peak of the
    ffmpeg processes it started (``RUSAGE_CHILDREN``: the largest child's; a child's figure
    counts what it had before exec too, so it is an upper bound of ffmpeg's own), in MB."""
    configure_pillow(max_pixels)
    before = status_mb("VmRSS")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        output = render_video(path, out, content_type, max_pixels, timeout_s)
        made = {f.name: round(f.bytes / 1e6, 1) for f in output.files if f.name == "playable"}
    return {
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(status_mb("VmHWM"), 1),
        "ffmpeg_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
        "seconds": round(time.perf_counter() - started, 1),
        "playable_mp4_mb": made.get("playable", 0.0),
    }
