"""``media rerender`` through the real worker: an image processed before AVIF renditions and
public originals existed is queued by the command, rendered again by the running service's
worker, announced again with the full set (MediaProcessed through the outbox), and its old
renditions are deleted; running the command again queues nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
from media_support import corpus
from media_support.app import headers, media_of
from media_support.flows import outbox_events, processed, upload

from media.config import MediaSettings
from media.domain.renditions import PICTURE_FILES, PUBLIC_ORIGINAL
from media.entrypoints.cli import rerender
from newsroom_testing.clock import FakeClock
from newsroom_testing.consumer import eventually

pytestmark = pytest.mark.connected
PROCESSED = "newsroom.media.processed.v1"


async def made_old(api: httpx.AsyncClient, media_id: str) -> None:
    """The item as an older worker left it: no AVIF renditions, no public original."""
    media = media_of(api)
    async with media.uow() as uow:
        item = await uow.media.get("tenant-a", media_id)
        assert item is not None
        dropped = [
            r for r in item.renditions if r.name.endswith("_avif") or r.name == PUBLIC_ORIGINAL
        ]
        kept = tuple(r for r in item.renditions if r not in dropped)
        await uow.media.save(replace(item, renditions=kept), expected_version=item.version)
        await uow.usage.add("tenant-a", -sum(r.bytes for r in dropped))
    await media.deps.storage.delete("tenant-a", [r.file_id for r in dropped])


async def item_of(api: httpx.AsyncClient, media_id: str) -> Any:
    return (await api.get(f"/v1/media/{media_id}", headers=headers("tenant-a"))).json()


async def test_an_old_item_is_rendered_again_by_the_worker_and_announced_again(
    api: httpx.AsyncClient,
    settings: MediaSettings,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = await upload(api, corpus.jpeg(800, 600))
    media_id = answer.json()["id"]
    assert (await processed(api, media_id))["status"] == "processed"
    await made_old(api, media_id)
    clock.advance(timedelta(days=30))  # a month on, the command runs
    old = {f["name"] for f in (await item_of(api, media_id))["files"]}
    assert not old >= PICTURE_FILES - {PUBLIC_ORIGINAL}

    assert await rerender(settings, "tenant-a") == 0
    assert "queued 1 items of tenant tenant-a" in capsys.readouterr().out

    async def rendered_again() -> bool:
        item = await item_of(api, media_id)
        return not item.get("rerender") and {f["name"] for f in item["files"]} >= (
            PICTURE_FILES - {PUBLIC_ORIGINAL}
        )

    await eventually(rendered_again, timeout_s=60)
    media = media_of(api)
    async with media.reader() as reader:
        item = await reader.media.get("tenant-a", media_id)
        assert item is not None
        assert not item.rerender
        assert not item.lacks_current_renditions
        assert await reader.usage.used("tenant-a") == item.stored_bytes
    # Only the original and the new set stay stored: the old renditions go (once the new
    # set is recorded: the worker deletes them right after).
    fs_files = media.runtime.db["fs.files"]

    async def old_ones_gone() -> bool:
        stored = {str(d["_id"]) async for d in fs_files.find({"metadata.media_id": media_id})}
        return stored == {f.file_id for f in item.files}

    await eventually(old_ones_gone, timeout_s=30)
    # Announced again (the first event is the upload's own, before it was made old), with
    # every rendition and the public original as ``original``.
    announced = [e for topic, e in await outbox_events(api, media_id) if topic == PROCESSED]
    assert len(announced) == 2
    first, second = announced
    assert {r["name"] for r in second["renditions"]} == (PICTURE_FILES - {PUBLIC_ORIGINAL}) | {
        "original"
    }
    assert second["processed_at"] > first["processed_at"]  # consumers take the newer news

    assert await rerender(settings, None) == 0  # idempotent: nothing lacks them now
    assert "queued 0 items of every tenant" in capsys.readouterr().out
