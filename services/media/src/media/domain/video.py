"""What a video is made of (told by the worker), and which videos a browser plays as they are."""

from __future__ import annotations

from dataclasses import dataclass

# What every browser's <video> plays: H.264 video (8-bit 4:2:0) with AAC sound (or none) in MP4.
WEB_VIDEO_CODEC = "h264"
WEB_AUDIO_CODEC = "aac"
WEB_PIXEL_FORMATS = ("yuv420p", "yuvj420p")  # 8-bit 4:2:0, limited or full range
WEB_CONTENT_TYPE = "video/mp4"
PLAYABLE = "playable"  # the rendition's name: a web-playable MP4 made from the upload


@dataclass(frozen=True, slots=True)
class VideoFacts:
    duration_s: float
    video_codec: str
    audio_codec: str | None  # None: no sound
    pixel_format: str | None = None


def web_playable(content_type: str, facts: VideoFacts) -> bool:
    """Whether the upload plays in a browser as it is: then it is served as is, else a
    web-playable MP4 is made beside it."""
    return (
        content_type == WEB_CONTENT_TYPE
        and facts.video_codec == WEB_VIDEO_CODEC
        and facts.audio_codec in (None, WEB_AUDIO_CODEC)
        and facts.pixel_format in (None, *WEB_PIXEL_FORMATS)
    )
