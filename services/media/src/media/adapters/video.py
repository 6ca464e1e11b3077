"""A video's processing with the ffmpeg binary of the ``imageio-ffmpeg`` wheel, run from a
rendition process (never on the event loop): its facts (duration, size, codecs), a poster
frame and that frame's image renditions, the public original (the upload remuxed without its
metadata), and a web-playable MP4 when the upload is not one.

ffmpeg reads the original from the scratch folder it was copied to (memory stays bounded
whatever the file's size), never reads standard input, and each run has a time limit. A file
ffmpeg cannot open or decode a frame of is unusable: the item is rejected.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import imageio_ffmpeg

from media.adapters.ffmpeg_probe import Probe, UnreadableProbeError, read_probe
from media.adapters.imaging import render_image
from media.adapters.rendered import RenderedFile, RenderOutput, UnusableFileError, rendered_file
from media.adapters.subprocesses import HelperFailedError, HelperTimeoutError, run_helper
from media.domain.renditions import PUBLIC_ORIGINAL
from media.domain.video import PLAYABLE, WEB_CONTENT_TYPE, VideoFacts, web_playable

# The first frame is often black (a fade in): a second in, or a third into a shorter video.
POSTER_AT_S = 1.0
# Web-playable: H.264 High (8-bit 4:2:0) and AAC, at most 1920 pixels a side, the index (moov)
# first so a browser starts playing before the whole file is there.
_SCALE = (
    "scale=w='min(iw,1920)':h='min(ih,1920)':force_original_aspect_ratio=decrease"
    ":force_divisible_by=2"
)
# The poster frame no larger than the largest image rendition needs (the web size).
_POSTER_SCALE = "scale=w='min(iw,1600)':h='min(ih,1600)':force_original_aspect_ratio=decrease"
_NO_METADATA = ("-map_metadata", "-1", "-map_chapters", "-1")
_WEB_MP4 = (
    *("-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn", *_NO_METADATA),
    *("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "high"),
    *("-pix_fmt", "yuv420p", "-vf", _SCALE),
    *("-c:a", "aac", "-b:a", "128k", "-ac", "2"),
    *("-movflags", "+faststart", "-f", "mp4"),
)


# The public original: every stream copied as it is (no quality lost) into the same container,
# without the container's and streams' metadata (a phone's location, its model, the editing
# software) and chapters; data streams (timed metadata, timecode tracks) are left out. MP4 and
# MOV get their index first. By content type: (ffmpeg's muxer, its extra options, extension).
_REMUX = ("-map", "0", "-map", "-0:d", "-c", "copy", *_NO_METADATA)
_CONTAINERS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "video/mp4": ("mp4", ("-movflags", "+faststart"), "mp4"),
    "video/quicktime": ("mov", ("-movflags", "+faststart"), "mov"),
    "video/webm": ("webm", (), "webm"),
}


class UnusableVideoError(UnusableFileError):
    """ffmpeg cannot open the video, or decode it, within its limits."""


def render_video(
    source: str, out_dir: str, content_type: str, max_pixels: int, timeout_s: float
) -> RenderOutput:
    """Everything made of the video at ``source``, written into ``out_dir``."""
    probe = _probe(source, timeout_s)
    if probe.width * probe.height > max_pixels:
        raise UnusableVideoError(
            f"The video's frames have {probe.width * probe.height} pixels "
            f"({probe.width}x{probe.height}); at most {max_pixels} are taken"
        )
    facts = VideoFacts(
        probe.duration_s or 0.0, probe.video_codec, probe.audio_codec, probe.pixel_format
    )
    out = Path(out_dir)
    poster = _poster(source, out / "poster.png", probe.duration_s, timeout_s)
    still = render_image(str(poster), out_dir)
    cleaned = _public_original(source, out, content_type, timeout_s)
    files: tuple[RenderedFile, ...] = (*still.files, cleaned)
    if not web_playable(content_type, facts):
        playable = _web_mp4(source, out / f"{PLAYABLE}.mp4", timeout_s)
        files = (*files, playable)
        if probe.duration_s is None:  # the upload did not say; the MP4 made of it does
            facts = replace(facts, duration_s=_probe(playable.path, timeout_s).duration_s or 0.0)
    return RenderOutput(probe.width, probe.height, still.blurhash, files, facts)


def _ffmpeg(*args: str, timeout_s: float, check: bool = True) -> str:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    try:
        return run_helper(command, timeout_s, check=check)
    except HelperTimeoutError as error:
        raise UnusableVideoError(f"The video could not be processed: ffmpeg {error}") from None
    except HelperFailedError as error:
        raise UnusableVideoError(f"The video does not decode: {_last_line(error.output)}") from None


def _probe(source: str, timeout_s: float) -> Probe:
    # Without an output ffmpeg exits with an error after printing the probe: not checked.
    report = _ffmpeg("-i", source, timeout_s=timeout_s, check=False)
    try:
        return read_probe(report)
    except UnreadableProbeError as error:
        message = f"The video does not open: {error} ({_last_line(report)})"
        raise UnusableVideoError(message) from None


def _poster(source: str, target: Path, duration_s: float | None, timeout_s: float) -> Path:
    at = min(POSTER_AT_S, (duration_s or 0.0) / 3)
    for start in dict.fromkeys((at, 0.0)):  # a frame near the end may be missing: then the first
        _ffmpeg(
            *("-v", "error", "-ss", f"{start:.3f}", "-i", source),
            *("-map", "0:v:0", "-frames:v", "1", "-an", "-sn", "-vf", _POSTER_SCALE),
            *("-c:v", "png", "-compression_level", "1", "-y"),
            *("-f", "image2", str(target)),
            timeout_s=timeout_s,
        )
        if target.exists() and target.stat().st_size > 0:
            return target
    raise UnusableVideoError("The video does not decode: no frame could be read")


def _web_mp4(source: str, target: Path, timeout_s: float) -> RenderedFile:
    _ffmpeg("-v", "error", "-i", source, *_WEB_MP4, "-y", str(target), timeout_s=timeout_s)
    probe = _probe(str(target), timeout_s)
    return rendered_file(PLAYABLE, target, WEB_CONTENT_TYPE, "mp4", probe.width, probe.height)


def _public_original(source: str, out: Path, content_type: str, timeout_s: float) -> RenderedFile:
    muxer, options, extension = _CONTAINERS[content_type]
    target = out / f"{PUBLIC_ORIGINAL}.{extension}"
    _ffmpeg(
        *("-v", "error", "-i", source, *_REMUX, *options, "-f", muxer, "-y", str(target)),
        timeout_s=timeout_s,
    )
    return rendered_file(PUBLIC_ORIGINAL, target, content_type, extension)


def _last_line(report: str) -> str:
    lines = [line.strip() for line in report.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no report"
