"""The ``media`` command: ``media openapi`` (the default) prints the API's OpenAPI document
(committed as ``services/media/openapi.json``, checked by a test so it stays true); ``media
republish-galleries`` emits ``GalleryUpdated`` for every gallery of every tenant through the
outbox (for galleries made before the gallery events existed, or a service that starts
following them later); a running media service's relay sends them."""

from __future__ import annotations

import argparse
import asyncio
import sys

from media.adapters.mongo.unit_of_work import MongoUnitOfWork
from media.config import MediaSettings
from media.service import galleries
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="media")
    parser.add_argument(
        "command", nargs="?", default="openapi", choices=["openapi", "republish-galleries"]
    )
    command = parser.parse_args(argv).command
    if command == "republish-galleries":
        sys.exit(asyncio.run(republish_galleries(MediaSettings())))
    sys.stdout.write(openapi_document())
