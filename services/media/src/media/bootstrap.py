"""Wiring: settings and runtime in, the media service's dependencies out.

The real adapters behind the service layer's ports (:mod:`media.service.ports`) are chosen
here: MongoDB repositories in a unit of work, GridFS storage, the content inspector, the
process-pool renderer. Tests swap the clock here; everything else receives what this builds.
"""

from __future__ import annotations

from dataclasses import dataclass

from media.adapters.gridfs_storage import GridFsStorage
from media.adapters.inspection import ContentInspector
from media.adapters.links import FileLinks
from media.adapters.mongo.unit_of_work import MongoUnitOfWork
from media.adapters.pillow_setup import configure_pillow
from media.adapters.render_pool import PoolRenderer, ProcessPool
from media.config import MediaSettings
from media.domain.limits import UploadLimits
from media.service.ports import Deps
from newsroom_shared.auth import KeyFollower
from newsroom_shared.background import Doorbell
from newsroom_shared.clock import Clock, SystemClock
from newsroom_shared.runtime import ServiceRuntime


@dataclass(frozen=True)
class Media:
    """The wired service: what routes, consumers and the worker work with."""

    settings: MediaSettings
    runtime: ServiceRuntime
    deps: Deps
    keys: KeyFollower
    pool: ProcessPool
    renderer: PoolRenderer
    doorbell: Doorbell
    """Rung after an upload commits: wakes this process's rendition worker."""

    def uow(self) -> MongoUnitOfWork:
        """A unit of work for a command: one transaction, events through the outbox."""
        runtime = self.runtime
        return MongoUnitOfWork(runtime.mongo, runtime.db, runtime.outbox, runtime.envelope)

    def reader(self) -> MongoUnitOfWork:
        """A unit of work for queries: no transaction."""
        runtime = self.runtime
        return MongoUnitOfWork(
            runtime.mongo, runtime.db, runtime.outbox, runtime.envelope, transactional=False
        )


def limits_of(settings: MediaSettings) -> UploadLimits:
    return UploadLimits(
        max_image_bytes=settings.max_image_bytes,
        max_document_bytes=settings.max_document_bytes,
        max_image_pixels=settings.max_image_pixels,
        tenant_quota_bytes=settings.tenant_quota_bytes,
    )


def bootstrap(
    settings: MediaSettings, runtime: ServiceRuntime, clock: Clock | None = None
) -> Media:
    configure_pillow(settings.max_image_pixels)  # the API process reads image headers too
    storage = GridFsStorage(runtime.db)
    pool = ProcessPool(settings.render_processes, settings.max_image_pixels)
    deps = Deps(
        clock=clock or SystemClock(),
        storage=storage,
        inspector=ContentInspector(),
        links=FileLinks(settings.public_base_url),
        limits=limits_of(settings),
    )
    return Media(
        settings=settings,
        runtime=runtime,
        deps=deps,
        keys=KeyFollower(runtime.db, settings),
        pool=pool,
        renderer=PoolRenderer(storage, pool, timeout_s=settings.render_timeout_s),
        doorbell=Doorbell(),
    )
