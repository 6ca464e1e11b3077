"""The media app: the shared app factory with the media routers, the key consumers, the
rendition worker and the indexes."""

from __future__ import annotations

from fastapi import FastAPI

from media.adapters.mongo.indexes import ensure_indexes
from media.bootstrap import bootstrap
from media.config import MediaSettings
from media.entrypoints.consumers import SUBSCRIPTIONS
from media.entrypoints.expiry import ResumableExpiry
from media.entrypoints.http import files, galleries, public, releases, resumable, tus
from media.entrypoints.http import media as media_routes
from media.entrypoints.http.errors import install_domain_error_handler
from media.entrypoints.worker import RenditionWorker, Sweeper
from newsroom_shared.auth import without_api_keys
from newsroom_shared.clock import Clock
from newsroom_shared.http.auth import Authenticator
from newsroom_shared.runtime import ServiceRuntime, package_version

DESCRIPTION = """Uploads of images and documents, checked by their content; renditions made by
a worker; files served content-addressed.

Authenticate with `Authorization: Bearer <api key>` (the publisher's staff keys). Upload the
file's bytes as the request body (`POST /v1/media`); the answer is the item, `uploaded` until
its renditions are made. Files are served at the URLs the item lists, publicly, cacheable for
ever. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`.
Emits MediaUploaded, MediaProcessed, MediaRejected, MediaDeleted, GalleryUpdated and GalleryDeleted.
"""


def create_app(
    settings: MediaSettings | None = None,
    clock: Clock | None = None,
    *,
    authenticator: Authenticator | None = None,
) -> FastAPI:
    """The app. Staff API keys are the publisher's: this service keeps a replica of them from
    the publisher's key events (``media.keys``); tests may pass their own ``authenticator``."""
    settings = settings or MediaSettings()
    runtime = ServiceRuntime(settings)
    media = bootstrap(settings, runtime, clock)
    worker = RenditionWorker(
        media,
        interval_s=settings.worker_interval_s,
        lease_s=settings.worker_lease_s,
        lanes=settings.render_processes + 1,
    )

    sweeper = Sweeper(media, interval_s=settings.sweep_interval_s, after_s=settings.sweep_after_s)
    expiry = ResumableExpiry(media, interval_s=settings.tus_sweep_interval_s)

    async def create_indexes() -> None:
        await ensure_indexes(runtime.db)

    runtime.on_shutdown(media.pool.stop)
    prepare = [create_indexes, media.keys.ensure_indexes]
    if media.s3 is not None:
        prepare.insert(0, media.s3.open)
        runtime.on_shutdown(media.s3.close)
    app = runtime.create_app(
        title="Newsroom media",
        version=package_version("newsroom-media"),
        description=DESCRIPTION,
        routers=[
            media_routes.router,
            resumable.router,
            galleries.router,
            releases.router,
            public.router,
            files.router,
        ],
        wired=media,
        # Another authenticator (tests) needs no replica of the keys: no key consumers then.
        subscriptions=SUBSCRIPTIONS if authenticator is None else without_api_keys(SUBSCRIPTIONS),
        authenticator=authenticator or media.keys.authenticator,
        prepare=prepare,
        background=[worker.loop, sweeper.loop, expiry.loop] if settings.worker_enabled else [],
        streamed_paths=[media_routes.UPLOAD_PATH, f"{tus.PATH}/*"],
    )
    install_domain_error_handler(app)
    app.add_middleware(tus.TusResumableHeader)
    app.state.media = media
    app.state.worker = worker
    app.state.sweeper = sweeper
    app.state.expiry = expiry
    return app
