"""``python -m publisher --host H --port P``: serve the API with uvicorn."""

from __future__ import annotations

import argparse

import uvicorn

from publisher.config import PublisherSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m publisher", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    # The factory builds settings from the environment when the server starts.
    # Behind the one origin's proxy the API lives under a prefix the proxy strips (the
    # ASGI root path: the OpenAPI ``servers`` and /docs name it).
    root_path = PublisherSettings().http_root_path
    uvicorn.run(
        "publisher.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        root_path=root_path,
    )


if __name__ == "__main__":
    main()
