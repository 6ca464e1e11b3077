"""Wiring: settings and runtime in, the media service's dependencies out.

The real adapters behind the service layer's ports (:mod:`media.service.ports`) are chosen
here: MongoDB repositories in a unit of work, GridFS or S3 storage (as the settings say), the
content inspector, the process-pool renderer. Tests swap the clock here; everything else
receives what this builds.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from pymongo.asynchronous.client_session import AsyncClientSession

from media.adapters.inspection import ContentInspector
from media.adapters.links import FileLinks
from media.adapters.mongo.unit_of_work import MongoUnitOfWork
from media.adapters.pillow_setup import configure_pillow
from media.adapters.render_pool import PoolRenderer, ProcessPool
from media.adapters.s3.connection import S3Connection
from media.adapters.storage_choice import storage_of
from media.config import MediaSettings
from media.domain.limits import UploadLimits
from media.service.ports import Deps
from newsroom_shared.auth import KeyFollower
from newsroom_shared.background import Doorbell
from newsroom_shared.clock import Clock, SystemClock
from newsroom_shared.config import key_list
from newsroom_shared.runtime import ServiceRuntime
from newsroom_shared.signed_urls import UrlSigner

logger = logging.getLogger(__name__)


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
    s3: S3Connection | None = None
    """The S3 client when files live in a bucket (``MEDIA_STORAGE=s3``): opened at start."""

    def uow(self) -> MongoUnitOfWork:
        """A unit of work for a command: one transaction, events through the outbox."""
        runtime = self.runtime
        return MongoUnitOfWork(runtime.mongo, runtime.db, runtime.outbox, runtime.envelope)

    def joined(self, session: AsyncClientSession) -> MongoUnitOfWork:
        """A unit of work inside someone else's transaction (a consumer's inbox transaction)."""
        runtime = self.runtime
        return MongoUnitOfWork(
            runtime.mongo, runtime.db, runtime.outbox, runtime.envelope, session=session
        )

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
        max_video_bytes=settings.max_video_bytes,
        max_archive_entries=settings.max_archive_entries,
        max_archive_unpacked_bytes=settings.max_archive_unpacked_bytes,
    )


def signing_keys(settings: MediaSettings) -> list[str]:
    keys = key_list(settings.url_signing_keys)
    if keys:
        return keys
    logger.warning(
        "MEDIA_URL_SIGNING_KEYS is not set: a random key is used and dies with this process "
        "(development only)"
    )
    return [secrets.token_urlsafe(32)]


def bootstrap(
    settings: MediaSettings, runtime: ServiceRuntime, clock: Clock | None = None
) -> Media:
    configure_pillow(settings.max_image_pixels)  # the API process reads image headers too
    clock = clock or SystemClock()
    storage, s3 = storage_of(settings, runtime.db, clock)
    pool = ProcessPool(settings.render_processes, settings.max_image_pixels)
    signer = UrlSigner(signing_keys(settings))
    limits = limits_of(settings)
    deps = Deps(
        clock=clock,
        storage=storage,
        inspector=ContentInspector(),
        links=FileLinks(settings.public_base_url, signer),
        limits=limits,
        signatures=signer,
        max_signed_ttl_s=settings.signed_url_max_ttl_s,
    )
    return Media(
        settings=settings,
        runtime=runtime,
        deps=deps,
        keys=KeyFollower(runtime.db, settings),
        pool=pool,
        renderer=PoolRenderer(
            storage,
            pool,
            limits=limits,
            timeout_s=settings.render_timeout_s,
            video_timeout_s=settings.video_timeout_s,
        ),
        doorbell=Doorbell(),
        s3=s3,
    )
