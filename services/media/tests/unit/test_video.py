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

POSTER_RENDITIONS = {"thumbnail", "thumbnail_webp", "web", "web_webp", "social_card",
                     "social_card_webp"}  # fmt: skip
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
    assert set(names) == POSTER_RENDITIONS  # no playable: the original is one
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
