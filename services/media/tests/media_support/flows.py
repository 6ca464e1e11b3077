"""Steps most integration tests take: upload, wait for the worker, read the outbox."""

from __future__ import annotations

import json
from typing import Any

import httpx

from media.service.releases import ReleaseEvent, release_changed
from media_support.app import headers, media_of
from newsroom_shared.outbox.store import OutboxEntry
from newsroom_testing.consumer import eventually


async def upload(
    api: httpx.AsyncClient, data: bytes, name: str = "photo.jpg", tenant: str = "tenant-a"
) -> httpx.Response:
    return await api.post(
        "/v1/media",
        params={"filename": name},
        content=data,
        headers={**headers(tenant), "Content-Type": "application/octet-stream"},
    )


async def processed(api: httpx.AsyncClient, media_id: str, tenant: str = "tenant-a") -> Any:
    """The item once the worker is done with it (processed or rejected)."""
    found: dict[str, Any] = {}

    async def done() -> bool:
        answer = await api.get(f"/v1/media/{media_id}", headers=headers(tenant))
        found.update(answer.json())
        return bool(found["status"] != "uploaded")

    await eventually(done, timeout_s=60)
    return found


async def outbox_events(api: httpx.AsyncClient, media_id: str) -> list[tuple[str, Any]]:
    """The item's events as written to the outbox, in order."""
    db = media_of(api).runtime.db
    events = []
    async for document in db["outbox"].find({}).sort([("seq", 1), ("_id", 1)]):
        for entry in OutboxEntry.all_from(document):
            if entry.key == media_id.encode():
                events.append((entry.topic, json.loads(entry.value)))
    return events


async def apply_release_event(api: httpx.AsyncClient, event: ReleaseEvent) -> None:
    """Apply a release event as the consumer would, in process (the consumer itself, on the
    broker, is tested in test_release_consumers.py)."""
    async with media_of(api).uow() as uow:
        await release_changed(uow, event)
