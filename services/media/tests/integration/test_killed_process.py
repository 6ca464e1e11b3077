"""A rendition process killed with SIGKILL: the pool is replaced, the item's claim expires,
and the item is rendered once by the next attempt."""

from __future__ import annotations

import os
import signal
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta

import pytest
from media_support import corpus
from media_support.app import headers, media_api, media_of, settings_for
from media_support.flows import outbox_events, upload

from newsroom_testing.clock import FakeClock
from newsroom_testing.fixtures import drop_test_database

pytestmark = pytest.mark.connected
LEASE_S = 60.0


async def test_a_killed_rendition_process_breaks_one_attempt_only(
    infra, unique, mongo_client
) -> None:
    settings = settings_for(infra, unique, worker_enabled=False, worker_lease_s=LEASE_S)
    clock = FakeClock()
    try:
        async with media_api(settings, clock) as api:
            media = media_of(api)
            worker = api.app.state.worker  # type: ignore[attr-defined]
            media_id = (await upload(api, corpus.jpeg(800, 600))).json()["id"]

            # The pool's process is up (a first job ran); it is killed as a crash would.
            executor = media.pool.executor()
            pid = executor.submit(os.getpid).result(timeout=60)
            os.kill(pid, signal.SIGKILL)

            with pytest.raises(BrokenProcessPool):
                await worker.step()  # the attempt fails; the claim stays until it expires
            assert media.pool.executor() is not executor  # a fresh pool for the next one
            assert await worker.step() == 0
            clock.advance(timedelta(seconds=LEASE_S + 1))
            assert await worker.step() == 1

            item = (await api.get(f"/v1/media/{media_id}", headers=headers("tenant-a"))).json()
            assert item["status"] == "processed"
            topics = [t for t, _ in await outbox_events(api, media_id)]
            assert topics.count("newsroom.media.processed.v1") == 1
    finally:
        await drop_test_database(mongo_client, settings.database_name)
