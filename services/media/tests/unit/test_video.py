"""Videos as the worker process handles them with ffmpeg: facts, poster frame renditions, a
web-playable MP4 when the upload is not one; and what ffmpeg cannot open is unusable."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_support import videos

from media.adapters.inspection import ContentInspector
from media.adapters.rendered import RenderOutput
from media.adapters.video import UnusableVideoError, render_video
from media.domain.errors import Refusal, UploadRefusedError

POSTER_RENDITIONS = {"thumbnail", "thumbnail_webp", "thumbnail_avif", "web", "web_webp",
                     "web_avif", "social_card", "social_card_webp", "social_card_avif"}  # fmt: skip
INSPECT = ContentInspector()


def render(tmp_path: Path, data: bytes, content_type: str, max_pixels: int = 10**8) -> RenderOutput:
    source = tmp_path / "original"
    source.write_bytes(data)
    return render_video(str(source), str(tmp_path), content_type, max_pixels, 60)


@pytest.mark.parametrize(
    ("container", "content_type"),
    [("mp4", "video/mp4"), ("webm", "video/webm"), ("mov", "video/quicktime")],
)
def test_each_container_is_told_by_its_content(container: str, content_type: str) -> None:
    data = videos.video(container)
    file_type = INSPECT.file_type(data[:262_144])
    assert file_type.content_type == content_type
    INSPECT.check_whole(file_type, data[:262_144], data[-65_536:], len(data))


def test_an_h264_aac_mp4_is_played_as_it_is(tmp_path: Path) -> None:
    output = render(tmp_path, videos.video("mp4", size="640x360"), "video/mp4")
    assert (output.width, output.height) == (640, 360)
    assert output.video is not None
    assert (output.video.video_codec, output.video.audio_codec) == ("h264", "aac")
    assert output.video.duration_s == pytest.approx(2.0, abs=0.1)
    assert output.blurhash
    names = {f.name: f for f in output.files}
    # No playable: the public original (the upload remuxed) is one.
    assert set(names) == POSTER_RENDITIONS | {"public_original"}
    assert (names["web"].width, names["web"].height) == (640, 360)


@pytest.mark.parametrize(("container", "content_type"), [("webm", "video/webm"),
                                                         ("mov", "video/quicktime")])  # fmt: skip
def test_other_videos_get_a_web_playable_mp4(
    tmp_path: Path, container: str, content_type: str
) -> None:
    output = render(tmp_path, videos.video(container), content_type)
    playable = next(f for f in output.files if f.name == "playable")
    assert (playable.content_type, playable.extension) == ("video/mp4", "mp4")
    assert (playable.width, playable.height) == (320, 240)
    data = Path(playable.path).read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: the index first
    (tmp_path / "again").mkdir()
    again = render(tmp_path / "again", data, "video/mp4")
    assert again.video is not None
    assert (again.video.video_codec, again.video.audio_codec) == ("h264", "aac")
    assert not any(f.name == "playable" for f in again.files)


def test_a_video_without_sound(tmp_path: Path) -> None:
    output = render(tmp_path, videos.video("mp4", sound=False), "video/mp4")
    assert output.video is not None
    assert output.video.audio_codec is None
    assert not any(f.name == "playable" for f in output.files)


def test_what_ffmpeg_cannot_open_is_unusable(tmp_path: Path) -> None:
    with pytest.raises(UnusableVideoError, match="does not open"):
        render(tmp_path, videos.undecodable_mp4(), "video/mp4")


def test_frames_past_the_pixel_limit_are_not_decoded(tmp_path: Path) -> None:
    with pytest.raises(UnusableVideoError, match="pixels"):
        render(tmp_path, videos.video("mp4"), "video/mp4", max_pixels=320 * 240 - 1)


def test_a_truncated_mp4_is_refused_at_upload() -> None:
    data = videos.truncated_mp4()
    file_type = INSPECT.file_type(data[:262_144])
    with pytest.raises(UploadRefusedError) as refused:
        INSPECT.check_whole(file_type, data[:262_144], data[-65_536:], len(data))
    assert refused.value.refusal is Refusal.TRUNCATED


@pytest.mark.parametrize(
    ("container", "content_type"),
    [("mp4", "video/mp4"), ("webm", "video/webm"), ("mov", "video/quicktime")],
)
def test_the_public_original_and_the_playable_mp4_carry_no_location(
    tmp_path: Path, container: str, content_type: str
) -> None:
    upload = videos.located_video(container)
    assert videos.LOCATION in videos.metadata_report(upload, f".{container}")
    output = render(tmp_path, upload, content_type)
    names = {f.name: f for f in output.files}
    cleaned = names["public_original"]
    assert (cleaned.content_type, cleaned.extension) == (content_type, container)
    for made in (f for f in output.files if f.content_type.startswith("video/")):
        data = Path(made.path).read_bytes()
        report = videos.metadata_report(data, f".{made.extension}")
        for secret in ("location", "ISO6709", "SecretCam", "Jane-Secret", "+59.3293"):
            assert secret not in report, (made.name, secret, report)
        if made.extension in ("mp4", "mov"):
            assert data.index(b"moov") < data.index(b"mdat")  # faststart: the index first
    # Copied, not re-encoded: the same streams, codec for codec.
    assert _codecs(Path(cleaned.path).read_bytes(), container) == _codecs(upload, container)


def _codecs(data: bytes, container: str) -> list[str]:
    """Each stream's kind and codec, as ``ffmpeg -i`` names them (``Video: h264 (High)...``)."""
    report = videos.metadata_report(data, f".{container}")
    streams = [line.split("): ", 1)[-1] for line in report.splitlines() if "Stream #" in line]
    return [stream.split(",")[0].split(": ", 1)[-1] for stream in streams]
