"""``python -m media [--host H --port P]``: serve the app with uvicorn;
``python -m media openapi``: print the API's OpenAPI document."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from media.config import MediaSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m media", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["serve", "openapi"], default="serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    args = parser.parse_args(argv)
    if args.command == "openapi":
        from media.entrypoints.cli import openapi_document

        sys.stdout.write(openapi_document())
        return
    # Behind the one origin's proxy the API lives under a prefix the proxy strips (the
    # ASGI root path: the OpenAPI ``servers`` and /docs name it).
    root_path = MediaSettings().http_root_path
    uvicorn.run(
        "media.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        root_path=root_path,
    )


if __name__ == "__main__":
    main()
