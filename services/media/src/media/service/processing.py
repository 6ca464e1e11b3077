"""The rendition worker's use case: claim one item, render it, record the outcome once.

A claim lasts ``lease_s``; a worker that dies holding one lets another take the item after
that. Only the holder of the current claim records an outcome (the item is read again in the
finishing transaction), so an item is processed once, whoever rendered it: a late worker's
renditions are deleted, and a finished item's files not in its record (a dead worker's
renditions) are deleted too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from media.domain.ids import new_id
from media.domain.item import MediaItem, Status
from media.service.assets import purge
from media.service.events import processed_event
from media.service.ports import Deps, Rendered, Renderer, RenderFailedError, UnitOfWork
from media.service.transactions import retried
from newsroom_shared.events.media import MediaRejected

logger = logging.getLogger(__name__)
RENEWALS_PER_LEASE = 3  # a claim is extended three times a lease: one missed renewal is no loss


async def process_next(
    uow: UnitOfWork,
    claims: UnitOfWork,
    deps: Deps,
    renderer: Renderer,
    *,
    instance: str,
    lease_s: float,
    max_attempts: int = 3,
) -> bool:
    """Handle one item if there is one; whether there was. ``claims`` needs no transaction:
    a claim is one atomic update."""
    owner = f"{instance}:{new_id()}"  # one claim, one owner: a retry by the same process differs
    async with claims:
        item = await claims.media.claim_next(owner, deps.clock.now(), lease_s)
    if item is None:
        return False
    if item.status is Status.DELETED:
        await purge(uow, deps, item)
        return True
    if item.attempts > max_attempts:  # each attempt died, timed out or failed on the way
        reason = f"The file could not be rendered in {max_attempts} attempts"
        await _fail(uow, deps, item, owner, reason)
        return True
    try:
        async with _holding(claims, deps, item, owner, lease_s):
            rendered = await renderer.render(item)
    except RenderFailedError as error:
        await _fail(uow, deps, item, owner, str(error))
        return True
    await _finish(uow, deps, item, owner, rendered)
    return True


@contextlib.asynccontextmanager
async def _holding(
    claims: UnitOfWork, deps: Deps, item: MediaItem, owner: str, lease_s: float
) -> AsyncIterator[None]:
    """Keep the claim while the renderer works: a video may take longer than one lease, and
    the lease stays short so that a dead worker's items come back soon. A worker that dies
    stops extending it."""
    renewing = asyncio.create_task(_renew(claims, deps, item, owner, lease_s))
    try:
        yield
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing


async def _renew(
    claims: UnitOfWork, deps: Deps, item: MediaItem, owner: str, lease_s: float
) -> None:
    while True:
        await asyncio.sleep(lease_s / RENEWALS_PER_LEASE)
        expires_at = deps.clock.now() + timedelta(seconds=lease_s)
        try:
            async with claims:
                held = await claims.media.extend_claim(
                    item.tenant_id, item.media_id, owner, expires_at
                )
        except Exception:  # a passing database error: the next renewal may get through
            logger.warning("could not extend the claim on %s", item.media_id, exc_info=True)
            continue
        if not held:  # taken over or deleted: the outcome will not be ours to record
            return


async def _finish(
    uow: UnitOfWork, deps: Deps, claimed: MediaItem, owner: str, rendered: Rendered
) -> None:
    recorded = await retried(lambda: _record(uow, deps, claimed, owner, rendered))
    if recorded is None:
        logger.info("item %s was taken over or deleted: renditions dropped", claimed.media_id)
        await deps.storage.delete(claimed.tenant_id, [r.file_id for r in rendered.renditions])
        return
    await deps.storage.keep(claimed.tenant_id, [r.file_id for r in rendered.renditions])
    if claimed.may_have_other_files:
        # Files of the item not in its record: renditions it had before, or those of a
        # worker that died holding it.
        keep = frozenset(f.file_id for f in recorded.files)
        await deps.storage.delete_all(claimed.tenant_id, claimed.media_id, keep=keep)


async def _record(
    uow: UnitOfWork, deps: Deps, claimed: MediaItem, owner: str, rendered: Rendered
) -> MediaItem | None:
    """In one transaction: the item as recorded processed, or None when it is not ours.

    The item as claimed is written if nobody changed it since (the usual case: one write);
    else it is read again, to see whether the claim is still ours and keep what changed."""
    async with uow:
        before = claimed
        recorded = _processed(before, deps, rendered)
        if not await uow.media.save_if_unchanged(recorded, expected_version=before.version):
            current = await uow.media.get(claimed.tenant_id, claimed.media_id)
            if current is None or not current.holds_claim(owner):
                return None
            before, recorded = current, _processed(current, deps, rendered)
            await uow.media.save(recorded, expected_version=current.version)
        # The renditions it had before (a rendering again) are deleted once this commits.
        await uow.usage.add(claimed.tenant_id, recorded.stored_bytes - before.stored_bytes)
        uow.emit(processed_event(recorded, deps.links))
    return recorded


def _processed(item: MediaItem, deps: Deps, rendered: Rendered) -> MediaItem:
    return item.processed(
        rendered.renditions,
        width=rendered.width,
        height=rendered.height,
        blurhash=rendered.blurhash,
        now=deps.clock.now(),
        video=rendered.video,
    )


async def _fail(uow: UnitOfWork, deps: Deps, claimed: MediaItem, owner: str, reason: str) -> None:
    """A new upload that cannot be rendered is rejected; a processed item rendered again
    keeps what it has (it was served, and may be in published releases)."""
    if claimed.rendering_again:
        logger.warning("item %s could not be rendered again: %s", claimed.media_id, reason)
        await retried(lambda: _give_up_rerender(uow, deps, claimed, owner))
    else:
        await _reject(uow, deps, claimed, owner, reason)


async def _give_up_rerender(uow: UnitOfWork, deps: Deps, claimed: MediaItem, owner: str) -> None:
    async with uow:
        current = await uow.media.get(claimed.tenant_id, claimed.media_id)
        if current is not None and current.holds_claim(owner):
            given_up = current.rerender_given_up(deps.clock.now())
            await uow.media.save(given_up, expected_version=current.version)


async def _reject(uow: UnitOfWork, deps: Deps, claimed: MediaItem, owner: str, reason: str) -> None:
    if await retried(lambda: _record_rejection(uow, deps, claimed, owner, reason)):
        # No byte of a rejected upload stays stored; the item stays, to say why.
        await deps.storage.delete_all(claimed.tenant_id, claimed.media_id, keep=frozenset())


async def _record_rejection(
    uow: UnitOfWork, deps: Deps, claimed: MediaItem, owner: str, reason: str
) -> bool:
    async with uow:
        current = await uow.media.get(claimed.tenant_id, claimed.media_id)
        if current is None or not current.holds_claim(owner):
            return False
        now = deps.clock.now()
        await uow.media.save(current.rejected(reason, now), expected_version=current.version)
        await uow.usage.add(current.tenant_id, -current.original.bytes)
        uow.emit(
            MediaRejected(
                tenant_id=current.tenant_id,
                media_id=current.media_id,
                reason=reason,
                rejected_at=now,
            )
        )
    return True
