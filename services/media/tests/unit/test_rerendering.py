"""Rendering processed items again (``media rerender``) on in-memory fakes: which are queued,
that the worker renders them after uploads, and that a failure keeps what they had."""

from __future__ import annotations

from dataclasses import replace

from media_support import corpus
from media_support.chunks import chunks_of

from media.domain.item import Status
from media.domain.renditions import PICTURE_FILES, PUBLIC_ORIGINAL, StoredFile
from media.service.ports import Caller, Rendered, RenderFailedError
from media.service.processing import process_next
from media.service.rerendering import queue_rerenders
from media.service.uploads import upload

A = Caller("tenant-a")


class FullSet:
    """Renders today's whole set of picture files."""

    def __init__(self, storage) -> None:
        self._storage = storage
        self.fail_with: Exception | None = None

    async def render(self, item) -> Rendered:
        if self.fail_with is not None:
            raise self.fail_with
        files = []
        for name in sorted(PICTURE_FILES):
            writer = await self._storage.create(item.tenant_id, item.media_id, name, "image/jpeg")
            await writer.write(b"y" * 20)
            await writer.close()
            files.append(StoredFile(name, writer.file_id, "image/jpeg", "jpg", "d" * 64, 20, 9, 9))
        return Rendered(tuple(files), 400, 300, "LKO2?U%2Tw=w]~RBVZRi};RPxuwH")


async def processed_before_avif(uow, deps, renderer, tenant: Caller = A):
    """An image processed by an older worker: two renditions, no AVIF, no public original."""
    item = await upload(
        uow, deps, tenant, chunks_of(corpus.jpeg(400, 300)), filename="a.jpg", announced_bytes=None
    )
    assert await process_next(uow, uow, deps, renderer, instance="w", lease_s=60.0)
    done = await uow.media.get(tenant.tenant_id, item.media_id)
    old = tuple(r for r in done.renditions if r.name != PUBLIC_ORIGINAL)
    uow.media.items[item.media_id] = replace(done, renditions=old)
    uow.usage.bytes[tenant.tenant_id] -= (
        done.stored_bytes - uow.media.items[item.media_id].stored_bytes
    )
    return uow.media.items[item.media_id]


async def run(uow, deps, renderer) -> bool:
    return await process_next(uow, uow, deps, renderer, instance="w", lease_s=60.0)


async def test_items_lacking_todays_renditions_are_rendered_again_and_announced(
    uow, deps, renderer, storage, clock
) -> None:
    old = await processed_before_avif(uow, deps, renderer)
    other_tenant = await processed_before_avif(uow, deps, renderer, Caller("tenant-b"))
    assert old.lacks_current_renditions
    assert await queue_rerenders(uow, clock, tenant_id="tenant-a") == 1
    assert await queue_rerenders(uow, clock, tenant_id="tenant-a") == 0  # queued already
    queued = await uow.media.get("tenant-a", old.media_id)
    assert queued.status is Status.PROCESSED  # still served as it is meanwhile
    assert queued.rerender

    full = FullSet(storage)
    assert await run(uow, deps, full)
    again = await uow.media.get("tenant-a", old.media_id)
    assert {r.name for r in again.renditions} == PICTURE_FILES
    assert not again.lacks_current_renditions
    assert not again.rerender
    assert uow.topics()[-1] == "newsroom.media.processed.v1"
    assert len(uow.events[-1].renditions) == len(PICTURE_FILES)  # public original as "original"
    # The old renditions are gone; the original and the new set stay, and are counted.
    mine = {i for i, f in storage.files.items() if f.tenant_id == "tenant-a"}
    assert mine == {f.file_id for f in again.files}
    assert uow.usage.bytes["tenant-a"] == again.stored_bytes
    assert not await run(uow, deps, full)  # nothing left: tenant-b's was not queued
    assert await queue_rerenders(uow, clock, tenant_id=None) == 1
    assert await run(uow, deps, full)
    assert not (await uow.media.get("tenant-b", other_tenant.media_id)).lacks_current_renditions
    assert await queue_rerenders(uow, clock, tenant_id=None) == 0


async def test_uploads_go_before_items_rendered_again(uow, deps, renderer, clock) -> None:
    old = await processed_before_avif(uow, deps, renderer)
    await queue_rerenders(uow, clock, tenant_id=None)
    new = await upload(
        uow, deps, A, chunks_of(corpus.jpeg(40, 30)), filename="b.jpg", announced_bytes=None
    )
    assert await run(uow, deps, FullSet(deps.storage))
    assert (await uow.media.get("tenant-a", new.media_id)).status is Status.PROCESSED
    assert (await uow.media.get("tenant-a", old.media_id)).rerender


async def test_an_item_that_fails_to_render_again_keeps_what_it_had(
    uow, deps, renderer, storage, clock
) -> None:
    old = await processed_before_avif(uow, deps, renderer)
    await queue_rerenders(uow, clock, tenant_id=None)
    events = len(uow.events)
    full = FullSet(storage)
    full.fail_with = RenderFailedError("The image does not decode")
    assert await run(uow, deps, full)
    kept = await uow.media.get("tenant-a", old.media_id)
    assert kept.status is Status.PROCESSED
    assert kept.renditions == old.renditions
    assert not kept.rerender
    assert kept.claim is None
    assert len(uow.events) == events  # nothing to tell
    assert {f.file_id for f in old.files} <= set(storage.files)
