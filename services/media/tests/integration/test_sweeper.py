"""The sweeper on GridFS: a file whose upload never committed is deleted after the wait; a
recorded original whose 'kept' mark was lost is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bson import ObjectId
from media_support import corpus
from media_support.app import headers, media_api, media_of, settings_for
from media_support.flows import upload

from newsroom_testing.clock import FakeClock
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected


async def test_the_sweeper_deletes_what_no_item_recorded(infra, unique, mongo_client) -> None:
    settings = settings_for(infra, unique, worker_enabled=False, sweep_after_s=3600)
    clock = FakeClock()
    try:
        async with media_api(settings, clock) as api:
            media = media_of(api)
            sweeper = api.app.state.sweeper  # type: ignore[attr-defined]
            db = media.runtime.db
            item = (await upload(api, corpus.jpeg(64, 64))).json()
            original = item["files"][0]
            stored = await db["fs.files"].find_one({"metadata.media_id": item["id"]})
            assert "pending" not in stored["metadata"]
            # A crash between the commit and the mark, and an upload whose commit never came.
            await db["fs.files"].update_one(
                {"_id": stored["_id"]}, {"$set": {"metadata.pending": True}}
            )
            orphan = await media.deps.storage.create("tenant-a", "lost", "original", "image/png")
            await orphan.write(b"x" * 1000)
            await orphan.close()

            clock.set(stored["uploadDate"].replace(tzinfo=clock.now().tzinfo))
            assert await sweeper.step() == 0  # nothing pending long enough yet
            clock.advance(timedelta(hours=2))
            assert await sweeper.step() == 2
            assert await db["fs.files"].count_documents({"metadata.media_id": "lost"}) == 0
            assert (
                await db["fs.chunks"].count_documents({"files_id": ObjectId(orphan.file_id)}) == 0
            )
            kept = await db["fs.files"].find_one({"_id": stored["_id"]})
            assert "pending" not in kept["metadata"]
            served = await api.get(  # in no release: staff's
                original["url"].removeprefix("https://media.example"), headers=headers("tenant-a")
            )
            assert served.status_code == 200
    finally:
        await drop_test_database(mongo_client, settings.database_name)
