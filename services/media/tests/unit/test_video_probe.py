"""Reading what ``ffmpeg -i`` reports about a file (the wheel has no ffprobe)."""

from __future__ import annotations

import pytest

from media.adapters.ffmpeg_probe import UnreadableProbeError, read_probe

MP4 = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'original':
  Metadata:
    major_brand     : isom
  Duration: 00:01:02.50, start: 0.000000, bitrate: 219 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 137 kb/s, 25 fps (default)
    Metadata:
      handler_name    : VideoHandler
    Side data:
      Display Matrix: rotation of -90.00 degrees
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp (default)
  Stream #0:2[0x3](und): Video: mjpeg (Baseline), yuvj420p(pc), 600x600, 90k tbr (attached pic)
At least one output file must be specified
"""  # noqa: E501 (ffmpeg's lines as it prints them)


def test_duration_codecs_and_the_size_as_shown() -> None:
    probe = read_probe(MP4)
    assert probe.duration_s == pytest.approx(62.5)
    assert (probe.video_codec, probe.pixel_format, probe.audio_codec) == ("h264", "yuv420p", "aac")
    assert (probe.width, probe.height) == (1080, 1920)  # a phone's portrait video: turned


def test_cover_art_is_not_a_video() -> None:
    sound_with_cover = MP4.replace("Video: h264", "Data: bin_data")  # left: the attached picture
    with pytest.raises(UnreadableProbeError):
        read_probe(sound_with_cover)


def test_an_unknown_duration_and_no_sound() -> None:
    report = (
        "Input #0, matroska,webm, from 'original':\n  Duration: N/A, start: 0.000000\n"
        "  Stream #0:0: Video: vp8, yuv420p(tv, progressive), 640x360, SAR 1:1 DAR 16:9\n"
    )
    probe = read_probe(report)
    assert (probe.duration_s, probe.audio_codec, probe.width) == (None, None, 640)


@pytest.mark.parametrize(
    "report",
    [
        "original: Invalid data found when processing input\n",
        "Input #0, wav, from 'original':\n  Stream #0:0: Audio: pcm_s16le, 44100 Hz\n",
    ],
    ids=["not a video", "sound only"],
)
def test_no_video_stream_is_unreadable(report: str) -> None:
    with pytest.raises(UnreadableProbeError):
        read_probe(report)
