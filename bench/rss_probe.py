"""Run in a fresh process by P7: resident memory around one rendering. Imports only the
rendering code, so the figures are a rendition process's, not the benchmark's."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from media.adapters.imaging import render_image
from media.adapters.pillow_setup import configure_pillow


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
