"""A video's way through the service: taken by its content, its facts, poster frame and a
web-playable MP4 made by the worker, announced in ``MediaProcessed``, and served so that a
``<video>`` can seek (HTTP Range on the MP4)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from media_support import videos
from media_support.app import headers, local_path
from media_support.flows import outbox_events, processed, upload

pytestmark = pytest.mark.connected
A = headers("tenant-a")
POSTER = {
    *("thumbnail", "thumbnail_webp", "thumbnail_avif", "web", "web_webp", "web_avif"),
    *("social_card", "social_card_webp", "social_card_avif"),
}


def files_of(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in item["files"]}


async def processed_event(api: httpx.AsyncClient, media_id: str) -> dict[str, Any]:
    events = [e for t, e in await outbox_events(api, media_id) if t.endswith("processed.v1")]
    assert len(events) == 1, events
    return events[0]


async def test_a_webm_gets_a_poster_and_a_web_playable_mp4_a_video_can_seek(
    api: httpx.AsyncClient,
) -> None:
    answer = await upload(api, videos.video("webm", seconds=3), "Launch clip.mp4")
    assert answer.status_code == 201, answer.text
    taken = answer.json()
    # The type comes from the bytes: a WebM named .mp4 is a WebM.
    assert (taken["kind"], taken["content_type"], taken["filename"]) == (
        "video",
        "video/webm",
        "Launch clip.webm",
    )

    item = await processed(api, taken["id"])
    assert item["status"] == "processed", item
    assert (item["width"], item["height"], item["video_codec"]) == (320, 240, "vp8")
    assert item["audio_codec"] == "opus"
    assert item["duration_s"] == pytest.approx(3.0, abs=0.1)
    assert item["blurhash"]
    files = files_of(item)
    assert set(files) == {"original", "public_original", "playable", *POSTER}
    playable = files["playable"]
    assert (playable["content_type"], playable["width"]) == ("video/mp4", 320)
    assert item["playable_url"] == playable["url"]

    event = await processed_event(api, item["id"])
    assert (event["kind"], event["duration_s"], event["video_codec"]) == (
        "video",
        item["duration_s"],
        "vp8",
    )
    assert event["playable_url"] == playable["url"]
    # The public's files only: ``original`` names the public original.
    assert {r["name"] for r in event["renditions"]} == set(files) - {"public_original"}

    # What a <video> does to seek: ask for a range of the MP4, and get exactly that.
    url = local_path(playable["url"])
    whole = await api.get(url, headers=A)
    assert (whole.status_code, whole.headers["content-type"]) == (200, "video/mp4")
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.content.index(b"moov") < whole.content.index(b"mdat")  # plays while it loads
    size = len(whole.content)
    middle = await api.get(url, headers={**A, "Range": f"bytes={size // 2}-"})
    assert middle.status_code == 206
    assert middle.headers["content-range"] == f"bytes {size // 2}-{size - 1}/{size}"
    assert middle.content == whole.content[size // 2 :]


async def test_an_h264_aac_mp4_is_served_as_it_is(api: httpx.AsyncClient) -> None:
    answer = await upload(api, videos.video("mp4"), "clip.mp4")
    assert answer.status_code == 201, answer.text
    item = await processed(api, answer.json()["id"])
    assert item["status"] == "processed", item
    files = files_of(item)
    # No playable: the public original (remuxed without metadata, index first) plays.
    assert set(files) == {"original", "public_original", *POSTER}
    cleaned = files["public_original"]["url"]
    assert item["playable_url"] == cleaned
    assert (item["video_codec"], item["audio_codec"]) == ("h264", "aac")
    assert (await processed_event(api, item["id"]))["playable_url"] == cleaned
    part = await api.get(local_path(cleaned), headers={**A, "Range": "bytes=0-99"})
    assert (part.status_code, len(part.content)) == (206, 100)


async def test_a_video_ffmpeg_cannot_open_is_rejected_and_leaves_no_bytes(
    api: httpx.AsyncClient,
) -> None:
    answer = await upload(api, videos.undecodable_mp4(), "clip.mp4")
    assert answer.status_code == 201, answer.text  # whole on the outside: only ffmpeg tells
    item = await processed(api, answer.json()["id"])
    assert item["status"] == "rejected", item
    assert "does not open" in item["reason"]
    topics = [t for t, _ in await outbox_events(api, item["id"])]
    assert topics == ["newsroom.media.uploaded.v1", "newsroom.media.rejected.v1"]
    db = api.app.state.media.runtime.db  # type: ignore[attr-defined]
    assert await db["fs.files"].count_documents({}) == 0
