"""The one command line of every service: ``python -m <service> [serve] [--host H --port P]``
serves its app with uvicorn, ``python -m <service> openapi`` prints its OpenAPI document.

Each service's ``__main__`` names its package, settings and default port; the app comes from
``<service>.main:create_app`` (a factory: settings are read from the environment when the
server starts), the document from ``<service>.entrypoints.cli.openapi_document``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

import uvicorn
from fastapi import FastAPI

from newsroom_shared.config import ServiceSettings


def main(
    service: str,
    settings: type[ServiceSettings],
    *,
    default_port: int,
    argv: list[str] | None = None,
) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {service}", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["serve", "openapi"], default="serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    args = parser.parse_args(argv)
    if args.command == "openapi":
        cli = importlib.import_module(f"{service}.entrypoints.cli")
        sys.stdout.write(cli.openapi_document())
        return
    uvicorn.run(
        f"{service}.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        # Behind the one origin's proxy the API lives under a prefix the proxy strips (the
        # ASGI root path: the OpenAPI ``servers`` and /docs name it).
        root_path=settings().http_root_path,
    )


def openapi_json(app: FastAPI) -> str:
    """The app's OpenAPI document as committed: stable key order, two-space indent, final
    newline (a test of each service keeps the committed file equal to it)."""
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"
