"""``python -m listening [--host H --port P]``: serve the app with uvicorn;
``python -m listening openapi``: print the API's OpenAPI document."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from listening.config import ListeningSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m listening", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["serve", "openapi"], default="serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8005)
    args = parser.parse_args(argv)
    if args.command == "openapi":
        from listening.entrypoints.cli import openapi_document

        sys.stdout.write(openapi_document())
        return
    # Behind the one origin's proxy the API lives under a prefix the proxy strips (the ASGI
    # root path: the OpenAPI ``servers`` and /docs name it).
    uvicorn.run(
        "listening.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        root_path=ListeningSettings().http_root_path,
    )


if __name__ == "__main__":
    main()
