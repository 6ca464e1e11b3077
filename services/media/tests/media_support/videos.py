"""Test videos made with the ffmpeg binary of the ``imageio-ffmpeg`` wheel (a test pattern and
a tone: ``-f lavfi -i testsrc``, ``sine``), small and fast; and broken ones."""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path

import imageio_ffmpeg

# Per container: the codecs, one a browser plays as it is (MP4) and two it may not.
CODECS = {
    "mp4": ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"),
    "webm": ("-c:v", "libvpx", "-deadline", "realtime", "-b:v", "300k", "-c:a", "libopus"),
    "mov": ("-c:v", "mjpeg", "-q:v", "5", "-c:a", "pcm_s16le"),
}


def ffmpeg(*args: str) -> None:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y"]
    subprocess.run([*command, *args], check=True, stdin=subprocess.DEVNULL, timeout=120)


@functools.cache
def video(
    container: str = "mp4", seconds: float = 2.0, size: str = "320x240", sound: bool = True
) -> bytes:
    """A test pattern (with a tone unless told) in MP4, WebM or MOV."""
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / f"clip.{container}"
        inputs = ["-f", "lavfi", "-i", f"testsrc=size={size}:rate=25:duration={seconds}"]
        if sound:
            inputs += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
        ffmpeg(*inputs, *CODECS[container], *([] if sound else ["-an"]), "-shortest", str(target))
        return target.read_bytes()


def truncated_mp4() -> bytes:
    """An MP4 that breaks off inside its media data (an interrupted upload)."""
    data = video("mp4")
    return data[: len(data) * 2 // 3]


def undecodable_mp4() -> bytes:
    """Whole on the outside (an MP4's ftyp, then boxes that add up to its size) but without a
    video inside: only ffmpeg tells, in the worker."""
    ftyp = video("mp4")[:32]
    assert ftyp[4:8] == b"ftyp"
    assert int.from_bytes(ftyp[:4], "big") == 32
    noise = bytes((i * 37 + 11) % 251 for i in range(20_000))
    return ftyp + (len(noise) + 8).to_bytes(4, "big") + b"free" + noise


LOCATION = "+59.3293+018.0686/"


def located_video(container: str = "mp4") -> bytes:
    """A phone-like clip: the container's location (``©xyz``, and Apple's
    ``com.apple.quicktime.location.ISO6709`` key), its maker and a chapter."""
    with tempfile.TemporaryDirectory() as scratch:
        plain, target = Path(scratch) / f"plain.{container}", Path(scratch) / f"clip.{container}"
        plain.write_bytes(video(container))
        ffmpeg(
            *("-i", str(plain), "-map", "0", "-c", "copy"),
            *("-metadata", f"location={LOCATION}", "-metadata", "make=SecretCam"),
            *("-metadata", f"com.apple.quicktime.location.ISO6709={LOCATION}"),
            *("-metadata", "comment=Jane-Secret", "-movflags", "use_metadata_tags"),
            str(target),
        )
        return target.read_bytes()


def metadata_report(data: bytes, suffix: str = ".mp4") -> str:
    """What ``ffmpeg -i`` says of the file (its metadata among it)."""
    with tempfile.NamedTemporaryFile(suffix=suffix) as file:
        file.write(data)
        file.flush()
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", file.name]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        return done.stderr
