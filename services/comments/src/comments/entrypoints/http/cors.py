"""CORS on the visitors' routes only: a page of any site may read a thread and post to it
from its own script (the API is public and takes no cookies: no credentials are allowed).
Staff routes answer no cross-origin request: a browser page of another site has no business
with an API key."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

PUBLIC_PREFIX = "/v1/public/"


class PublicCors:
    """Starlette's CORS middleware, applied to the visitors' paths and nothing else."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Content-Type", "X-Author-Token"],
            expose_headers=["Retry-After"],
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and local_path(scope).startswith(PUBLIC_PREFIX):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def local_path(scope: Scope) -> str:
    """The path below the app's root path (behind the proxy the path may still carry it)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path
