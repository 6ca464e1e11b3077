"""What ``ffmpeg -i <file>`` says about a file, read from its report.

The ``imageio-ffmpeg`` wheel carries ffmpeg but no ffprobe. ``ffmpeg -i`` with no output runs
the same probe of the container ffprobe does and prints it (then exits with "At least one
output file must be specified"): the ``Duration:`` line and one ``Stream #`` line per stream,
``Video: <codec> ..., <pixel format>, <W>x<H>`` and ``Audio: <codec> ...``, with a stream's
"Display Matrix: rotation" below it. Reading that costs no decoding; a full ``-f null`` decode
would find the same facts only after reading the whole file. The report is meant for people, so
this reads only those long-stable parts, and a report it cannot read is an unusable file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DURATION = re.compile(r"^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", re.M)
_STREAM = re.compile(r"^\s*Stream #\d+:\d+.*?: (Video|Audio): (.*)$", re.M)
_SIZE = re.compile(r"\b(\d{1,6})x(\d{1,6})\b")
_ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees", re.I)


@dataclass(frozen=True, slots=True)
class Probe:
    duration_s: float | None
    video_codec: str
    pixel_format: str | None
    width: int
    height: int
    audio_codec: str | None


class UnreadableProbeError(Exception):
    """The report names no video stream (not a video, or not one ffmpeg can open)."""


def read_probe(report: str) -> Probe:
    duration = _duration(report)
    video = audio = None
    rotation_text = ""
    for match in _STREAM.finditer(report):
        kind, description = match.groups()
        if kind == "Video" and video is None and "(attached pic)" not in description:
            video = description
            following = _STREAM.search(report, match.end())
            rotation_text = report[match.end() : following.start() if following else None]
        elif kind == "Audio" and audio is None:
            audio = description
    if video is None:
        raise UnreadableProbeError("it has no video stream ffmpeg can read")
    codec, pixel_format, width, height = _video(video)
    if _quarter_turned(rotation_text):
        width, height = height, width
    return Probe(duration, codec, pixel_format, width, height, _codec(audio) if audio else None)


def _duration(report: str) -> float | None:
    found = _DURATION.search(report)
    if found is None:  # "Duration: N/A": a stream that does not say (a live WebM recording)
        return None
    hours, minutes, seconds = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _video(description: str) -> tuple[str, str | None, int, int]:
    parts = _top_level_parts(description)
    size = next((m for p in parts[1:] if (m := _SIZE.search(p))), None)
    if size is None:
        raise UnreadableProbeError("its video stream has no size")
    pixel_format = parts[1].split("(")[0].strip() if len(parts) > 1 else None
    return _codec(description), pixel_format or None, int(size[1]), int(size[2])


def _codec(description: str) -> str:
    return description.split(maxsplit=1)[0].rstrip(",")


def _top_level_parts(description: str) -> list[str]:
    """Split on the commas outside parentheses: ``yuv420p(tv, bt709)`` stays one part."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(description):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(description[start:index].strip())
            start = index + 1
    parts.append(description[start:].strip())
    return parts


def _quarter_turned(side_data: str) -> bool:
    """A phone's portrait video: stored landscape, shown turned by 90 degrees."""
    found = _ROTATION.search(side_data)
    return found is not None and round(abs(float(found[1]))) % 180 == 90
