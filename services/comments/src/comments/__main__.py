"""``python -m comments [--host H --port P]``: serve the app with uvicorn;
``python -m comments openapi``: print the API's OpenAPI document."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from comments.config import CommentsSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m comments", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["serve", "openapi"], default="serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8003)
    args = parser.parse_args(argv)
    if args.command == "openapi":
        from comments.entrypoints.cli import openapi_document

        sys.stdout.write(openapi_document())
        return
    # The factory builds settings from the environment when the server starts.
    # Behind the one origin's proxy the API lives under a prefix the proxy strips (the
    # ASGI root path: the OpenAPI ``servers`` and /docs name it).
    root_path = CommentsSettings().http_root_path
    uvicorn.run(
        "comments.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        root_path=root_path,
    )


if __name__ == "__main__":
    main()
