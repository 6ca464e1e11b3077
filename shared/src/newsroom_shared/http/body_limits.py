"""Request bodies over a size limit answer 413, whether announced (``Content-Length``) or
streamed (chunked): nothing reads more than the limit into memory.

Routes that stream their body somewhere else (an upload written to storage chunk by chunk)
are named in ``streamed_paths``: they enforce their own, larger limits while streaming. An
entry ending in ``/*`` names every path below it (``/v1/uploads/*``: each upload's URL)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# JSON APIs: a release body is at most 200 KB; 1 MiB leaves room and stops abuse early.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


def too_large(max_bytes: int) -> HTTPException:
    # An HTTPException: FastAPI passes those through its body reading untouched, and the
    # error handlers answer them as problems.
    return HTTPException(413, detail=f"The request body is larger than {max_bytes} bytes")


class BodyLimitMiddleware:
    """Refuses request bodies longer than ``max_bytes`` with a 413 problem."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
        streamed_paths: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        paths = list(streamed_paths)
        self.streamed_paths = frozenset(p for p in paths if not p.endswith("/*"))
        self.streamed_prefixes = tuple(p[:-1] for p in paths if p.endswith("/*"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._streamed(_route_path(scope)):
            await self.app(scope, receive, send)
            return
        announced = _content_length(scope)
        if announced is not None and announced > self.max_bytes:
            # Refused before a byte is read: the app sees a body that breaks off at once.
            await self.app(scope, self._refuse, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large(self.max_bytes)
            return message

        await self.app(scope, receive_within_limit, send)

    def _streamed(self, path: str) -> bool:
        return path in self.streamed_paths or path.startswith(self.streamed_prefixes)

    async def _refuse(self) -> Message:
        raise too_large(self.max_bytes)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _route_path(scope: Scope) -> str:
    """The path the app's routes see: without the root path a proxy serves it under."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path
