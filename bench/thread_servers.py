"""The two servers of benchmark P8's second half, each run in its own process by
``bench/thread_reads.py``: ``python -m bench.thread_servers system|baseline --port P``.

- ``system``: the comments app as ``python -m comments`` builds it (settings from the
  ``COMMENTS_*`` environment), every MongoDB command it sends counted; ``GET
  /__bench/commands`` answers the counts so far and starts them again.
- ``baseline``: a bare FastAPI app with one route at the thread's path, returning the JSON
  (``--body``, the system's own answer) as a dict, as a plain endpoint would.

Both on uvicorn with the same options: one worker, uvloop and httptools where installed (they
are: ``uvicorn[standard]``), no access log (the bench measures the endpoint, not log lines).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from bench.counting import counted_app

THREAD_PATH = "/v1/public/releases/{release_id}/comments"


def system_app() -> FastAPI:
    def create() -> FastAPI:
        from comments.main import create_app  # after the listener: its client must see it

        return create_app()

    return counted_app(create)


def baseline_app(body: Path) -> FastAPI:
    thread = json.loads(body.read_text(encoding="utf-8"))
    app = FastAPI()

    @app.get(THREAD_PATH)
    async def comments(release_id: str) -> dict[str, Any]:
        return thread  # type: ignore[no-any-return]

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["system", "baseline"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", type=Path, help="the baseline's JSON")
    args = parser.parse_args()
    app = system_app() if args.kind == "system" else baseline_app(args.body)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
