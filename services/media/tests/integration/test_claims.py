"""A worker that died holding an item: its claim expires, another worker renders the item,
and the item is processed once (one MediaProcessed, the dead worker's files deleted)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from media_support import corpus
from media_support.app import headers, media_api, media_of, settings_for
from media_support.flows import outbox_events, upload

from newsroom_testing.clock import FakeClock
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
LEASE_S = 120.0


async def test_a_dead_workers_claim_expires_and_the_item_is_processed_once(
    infra, unique, mongo_client
) -> None:
    settings = settings_for(infra, unique, worker_enabled=False, worker_lease_s=LEASE_S)
    clock = FakeClock()
    try:
        async with media_api(settings, clock) as api:
            media = media_of(api)
            worker = api.app.state.worker  # type: ignore[attr-defined]
            answer = await upload(api, corpus.jpeg(640, 480))
            media_id = answer.json()["id"]

            # A worker claims the item, stores a rendition, and dies.
            async with media.reader() as reader:
                claimed = await reader.media.claim_next("dead-worker", clock.now(), LEASE_S)
            assert claimed is not None
            assert claimed.media_id == media_id
            orphan = await media.deps.storage.create("tenant-a", media_id, "web", "image/jpeg")
            await orphan.write(b"half a rendition")
            await orphan.close()

            assert await worker.step() == 0  # still held: nobody else takes it
            clock.advance(timedelta(seconds=LEASE_S + 1))
            assert await worker.step() == 1  # the claim expired: taken over and rendered
            assert await worker.step() == 0  # and only once

            item = (await api.get(f"/v1/media/{media_id}", headers=headers("tenant-a"))).json()
            assert item["status"] == "processed"
            topics = [t for t, _ in await outbox_events(api, media_id)]
            assert topics.count("newsroom.media.processed.v1") == 1
            db = media.runtime.db
            stored = {str(f["_id"]) async for f in db["fs.files"].find({})}
            assert orphan.file_id not in stored
            assert len(stored) == len(item["files"])
    finally:
        await drop_test_database(mongo_client, settings.database_name)


async def test_only_the_holder_extends_a_claim(infra, unique, mongo_client) -> None:
    settings = settings_for(infra, unique, worker_enabled=False, worker_lease_s=LEASE_S)
    clock = FakeClock()
    try:
        async with media_api(settings, clock) as api:
            media = media_of(api)
            media_id = (await upload(api, corpus.jpeg(64, 64))).json()["id"]
            async with media.reader() as reader:
                claimed = await reader.media.claim_next("w1", clock.now(), LEASE_S)
                assert claimed is not None
                later = clock.now() + timedelta(seconds=3 * LEASE_S)
                assert not await reader.media.extend_claim("tenant-a", media_id, "w2", later)
                assert not await reader.media.extend_claim("tenant-b", media_id, "w1", later)
                assert await reader.media.extend_claim("tenant-a", media_id, "w1", later)
                clock.advance(timedelta(seconds=LEASE_S + 1))  # past the first lease
                assert await reader.media.claim_next("w2", clock.now(), LEASE_S) is None
                item = await reader.media.get("tenant-a", media_id)
            assert item is not None
            assert item.claim is not None
            assert (item.claim.owner, item.version) == ("w1", claimed.version)
    finally:
        await drop_test_database(mongo_client, settings.database_name)
