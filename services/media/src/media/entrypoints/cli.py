"""The ``media`` command: ``media openapi`` (the default) prints the API's OpenAPI document
(committed as ``services/media/openapi.json``, checked by a test so it stays true); ``media
republish-galleries`` emits ``GalleryUpdated`` for every gallery of every tenant through the
outbox (for galleries made before the gallery events existed, or a service that starts
following them later); a running media service's relay sends them. ``media rerender
[--tenant ID]`` queues processed images and videos that lack today's renditions (made before
AVIF or public originals existed) for a running media service's worker, which renders them
again and emits ``MediaProcessed`` again."""

from __future__ import annotations

import argparse
import asyncio
import sys

from media.adapters.mongo.unit_of_work import MongoUnitOfWork
from media.config import MediaSettings
from media.service import galleries
from media.service.rerendering import queue_rerenders
from newsroom_shared.clock import SystemClock
from newsroom_shared.runtime import ServiceRuntime
from newsroom_shared.serve import openapi_json


def openapi_document() -> str:
    """The OpenAPI document as committed: stable key order, two-space indent, final newline."""
    from media.main import create_app  # the app only when asked for: it wires everything

    return openapi_json(create_app(MediaSettings()))


async def republish_galleries(settings: MediaSettings) -> int:
    runtime = ServiceRuntime(settings)
    try:
        await runtime.outbox.ensure_indexes()
        uow = MongoUnitOfWork(runtime.mongo, runtime.db, runtime.outbox, runtime.envelope)
        count = await galleries.republish(uow)
    finally:
        await runtime.mongo.close()
    print(f"republished {count} galleries (the running media service's outbox relay sends them)")
    return 0


async def rerender(settings: MediaSettings, tenant_id: str | None) -> int:
    runtime = ServiceRuntime(settings)
    try:
        uow = MongoUnitOfWork(runtime.mongo, runtime.db, runtime.outbox, runtime.envelope)
        count = await queue_rerenders(uow, SystemClock(), tenant_id=tenant_id)
    finally:
        await runtime.mongo.close()
    scope = "every tenant" if tenant_id is None else f"tenant {tenant_id}"
    print(f"queued {count} items of {scope} to be rendered again (the media worker renders them)")
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="media")
    parser.add_argument(
        "command",
        nargs="?",
        default="openapi",
        choices=["openapi", "republish-galleries", "rerender"],
    )
    parser.add_argument("--tenant", help="rerender: only this tenant's items (default: all)")
    args = parser.parse_args(argv)
    if args.command == "republish-galleries":
        sys.exit(asyncio.run(republish_galleries(MediaSettings())))
    if args.command == "rerender":
        sys.exit(asyncio.run(rerender(MediaSettings(), args.tenant)))
    sys.stdout.write(openapi_document())
