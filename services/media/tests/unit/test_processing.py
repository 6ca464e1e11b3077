"""The worker's use case and staff's describe/delete on in-memory fakes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from media_support import corpus
from media_support.chunks import chunks_of

from media.domain.item import Status
from media.service import assets
from media.service.ports import Caller, RenderFailedError
from media.service.processing import process_next
from media.service.uploads import upload

A = Caller("tenant-a")


async def uploaded(uow, deps):
    return await upload(
        uow, deps, A, chunks_of(corpus.jpeg(400, 300)), filename="a.jpg", announced_bytes=None
    )


async def run(uow, deps, renderer, instance="w1", lease_s=60.0) -> bool:
    return await process_next(uow, uow, deps, renderer, instance=instance, lease_s=lease_s)


async def test_an_item_is_rendered_once_and_announced(uow, deps, renderer, storage) -> None:
    item = await uploaded(uow, deps)
    assert await run(uow, deps, renderer)
    assert not await run(uow, deps, renderer)
    done = await uow.media.get("tenant-a", item.media_id)
    assert done is not None
    assert done.status is Status.PROCESSED
    assert done.claim is None
    assert [r.name for r in done.renditions] == ["thumbnail", "social_card", "public_original"]
    assert uow.topics() == ["newsroom.media.uploaded.v1", "newsroom.media.processed.v1"]
    event = uow.events[-1]
    # The event names only what the public may have: the cleaned original, as ``original``.
    cleaned = done.public_original
    assert cleaned is not None
    assert event.url.endswith(cleaned.path("tenant-a", item.media_id))
    assert [r.name for r in event.renditions] == ["original", "thumbnail", "social_card"]
    assert event.renditions[0].url == event.url
    assert not any(done.original.digest in r.url for r in event.renditions)
    assert event.blurhash == done.blurhash
    card = next(r for r in event.renditions if r.name == "social_card")
    assert card.url.startswith("https://media.example/files/tenant-a/")
    assert uow.usage.bytes["tenant-a"] == done.stored_bytes


async def test_an_item_that_does_not_decode_is_rejected_and_its_bytes_deleted(
    uow, deps, renderer, storage
) -> None:
    item = await uploaded(uow, deps)
    renderer.fail_with = RenderFailedError("The image does not decode: broken data stream")
    assert await run(uow, deps, renderer)
    rejected = await uow.media.get("tenant-a", item.media_id)
    assert rejected is not None
    assert rejected.status is Status.REJECTED
    assert "broken data stream" in (rejected.reason or "")
    assert uow.topics()[-1] == "newsroom.media.rejected.v1"
    assert storage.files == {}
    assert uow.usage.bytes["tenant-a"] == 0
    # Deleting it later releases nothing twice.
    deleted = await assets.delete(uow, deps, A, item.media_id)
    await assets.purge(uow, deps, deleted)
    assert uow.usage.bytes["tenant-a"] == 0


async def test_a_passing_failure_keeps_the_claim_until_it_expires(
    uow, deps, renderer, clock
) -> None:
    item = await uploaded(uow, deps)
    renderer.fail_with = OSError("the disk is full")
    with pytest.raises(OSError, match="disk is full"):
        await run(uow, deps, renderer, lease_s=60.0)
    renderer.fail_with = None
    assert not await run(uow, deps, renderer)  # still held by the failed attempt
    clock.advance(timedelta(seconds=61))
    assert await run(uow, deps, renderer)
    assert (await uow.media.get("tenant-a", item.media_id)).status is Status.PROCESSED


async def test_an_item_that_keeps_failing_is_rejected_after_its_attempts(
    uow, deps, renderer, clock, storage
) -> None:
    item = await uploaded(uow, deps)
    renderer.fail_with = TimeoutError()
    for _ in range(3):
        with pytest.raises(TimeoutError):
            await process_next(uow, uow, deps, renderer, instance="w", lease_s=10.0, max_attempts=3)
        clock.advance(timedelta(seconds=11))
    assert await process_next(uow, uow, deps, renderer, instance="w", lease_s=10.0, max_attempts=3)
    rejected = await uow.media.get("tenant-a", item.media_id)
    assert rejected is not None
    assert rejected.status is Status.REJECTED
    assert rejected.reason == "The file could not be rendered in 3 attempts"
    assert uow.topics()[-1] == "newsroom.media.rejected.v1"
    assert storage.files == {}


async def test_a_late_worker_drops_its_renditions(uow, deps, renderer, storage, clock) -> None:
    item = await uploaded(uow, deps)
    async with uow:
        slow = await uow.media.claim_next("slow", clock.now(), 10.0)
    clock.advance(timedelta(seconds=11))
    assert await run(uow, deps, renderer, instance="fast")  # took over and finished
    finished = await uow.media.get("tenant-a", item.media_id)
    # The slow worker ends now: its claim is gone, so its renditions go and nothing changes.
    from media.service.processing import _finish

    rendered = await renderer.render(item)
    await _finish(uow, deps, slow, "slow", rendered)
    assert await uow.media.get("tenant-a", item.media_id) == finished
    assert all(f.file_id not in storage.files for f in rendered.renditions)
    assert {f.file_id for f in finished.files} <= set(storage.files)
    assert uow.topics().count("newsroom.media.processed.v1") == 1


async def test_describing_a_processed_item_tells_consumers_again(uow, deps, renderer) -> None:
    item = await uploaded(uow, deps)
    early = await assets.describe(uow, deps, A, item.media_id, {"alt_text": "A cat"})
    assert uow.topics() == ["newsroom.media.uploaded.v1"]  # not processed yet: nothing to tell
    assert early.fields.alt_text == "A cat"
    await run(uow, deps, renderer)
    assert uow.events[-1].alt_text == "A cat"
    await assets.describe(uow, deps, A, item.media_id, {"decorative": True, "tags": ["a", "a"]})
    assert uow.topics()[-1] == "newsroom.media.processed.v1"
    assert uow.events[-1].decorative is True
    assert (await uow.media.get("tenant-a", item.media_id)).fields.tags == ("a",)


async def test_delete_announces_and_purges(uow, deps, renderer, storage) -> None:
    item = await uploaded(uow, deps)
    await run(uow, deps, renderer)
    deleted = await assets.delete(uow, deps, A, item.media_id)
    assert uow.topics()[-1] == "newsroom.media.deleted.v1"
    assert not await run(uow, deps, renderer)  # the request holds it while it purges
    await assets.purge(uow, deps, deleted)
    assert storage.files == {}
    assert uow.media.items == {}
    assert uow.usage.bytes["tenant-a"] == 0


class SlowRenderer:
    """Renders only when told, meanwhile the clock moves past several leases."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.release = asyncio.Event()

    async def render(self, item):
        await self.release.wait()
        return await self._inner.render(item)


async def test_a_long_rendition_keeps_its_claim(uow, deps, renderer, clock) -> None:
    """A video taking longer than a lease: the claim is extended while it renders, so no other
    worker takes the item meanwhile; the item is processed once."""
    item = await uploaded(uow, deps)
    slow = SlowRenderer(renderer)
    lease_s = 0.03  # real seconds between renewals: lease / 3
    working = asyncio.create_task(run(uow, deps, slow, instance="w1", lease_s=lease_s))
    for _ in range(6):  # three leases go by on the clock, half a lease at a time
        clock.advance(timedelta(seconds=lease_s / 2))
        await _renewed_past(uow, item.media_id, clock.now())
    assert not await process_next(uow, uow, deps, renderer, instance="w2", lease_s=lease_s)
    slow.release.set()
    assert await working
    done = await uow.media.get("tenant-a", item.media_id)
    assert done is not None
    assert done.status is Status.PROCESSED
    assert uow.topics().count("newsroom.media.processed.v1") == 1


async def _renewed_past(uow, media_id, now) -> None:
    """Until a renewal has moved the claim's end more than half a lease past ``now``."""
    while True:
        claim = uow.media.items[media_id].claim
        if claim is not None and claim.expires_at > now + timedelta(seconds=0.015):
            return
        await asyncio.sleep(0.005)


async def test_an_item_described_while_it_renders_is_processed_with_the_description(
    uow, deps, renderer
) -> None:
    item = await uploaded(uow, deps)

    class DescribedMeanwhile:
        async def render(self, claimed):
            await assets.describe(uow, deps, A, item.media_id, {"alt_text": "Late"})
            return await renderer.render(claimed)

    assert await run(uow, deps, DescribedMeanwhile())
    done = await uow.media.get("tenant-a", item.media_id)
    assert done.status is Status.PROCESSED
    assert done.fields.alt_text == "Late"
    assert uow.events[-1].alt_text == "Late"
    assert uow.usage.bytes["tenant-a"] == done.stored_bytes
