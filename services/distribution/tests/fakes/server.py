"""A fake far side: a Starlette app served by uvicorn on 127.0.0.1 (a free port) in a thread.

Every fake records each request it gets (before anything else, so failed ones too) and can be told
to fail the next N requests: answer 500, 401, 429 with Retry-After, or hang past the client's
timeout. Handlers call :meth:`FakeServer.admit` first; it records and injects the failure.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A tiny valid PNG (1x1 pixel), served at /images/card.png for adapters that upload images.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
IMAGE_PATH = "/images/card.png"
RETRY_AFTER_SECONDS = 42
HANG_SECONDS = 10.0  # longer than any test's client timeout
# What tests give the adapters: a hanging fake fails a test in half a second.
CLIENT_TIMEOUT = httpx.Timeout(2.0, connect=1.0, read=0.5)


class Failure(StrEnum):
    SERVER_ERROR = "server_error"  # 500
    UNAUTHORIZED = "unauthorized"  # 401
    RATE_LIMITED = "rate_limited"  # 429 with Retry-After
    HANG = "hang"  # no answer until the client gives up
    # The far side does the work (creates the post), then its answer is lost: no answer until
    # the client gives up, as when a connection drops after the request went out.
    LOSE_ANSWER = "lose_answer"


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    form: dict[str, list[str]] = field(default_factory=dict)  # multipart/urlencoded fields
    files: dict[str, bytes] = field(default_factory=dict)  # multipart files

    def json(self) -> Any:
        return json.loads(self.body)


class FakeServer:
    """Subclasses add ``routes()`` and ``error(status, message)`` in their network's error shape."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._failures: deque[Failure | None] = deque()
        self._lock = threading.Lock()
        self.base_url = ""
        # Bumped by reset and shutdown: a hanging request ends when it changes, so no hang
        # outlives its test or holds up the server's shutdown.
        self._generation = 0
        # Posts ever created (deleted ones too), counted by subclasses: the double-post check.
        self.created = 0

    def routes(self) -> list[Route]:
        raise NotImplementedError

    def error(self, status: int, message: str) -> Response:
        return JSONResponse({"error": message}, status_code=status)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._failures.clear()
            self._generation += 1
            self.created = 0

    def release_hangs(self) -> None:
        with self._lock:
            self._generation += 1

    def fail_next(self, failure: Failure, times: int = 1, *, after: int = 0) -> None:
        """The next ``times`` requests fail, once ``after`` more have been answered normally
        (``after=1``: the second post of a thread fails)."""
        with self._lock:
            self._failures.extend([None] * after + [failure] * times)

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path == path]

    @property
    def image_url(self) -> str:
        return self.base_url + IMAGE_PATH

    def app(self) -> Starlette:
        return Starlette(
            routes=[Route(IMAGE_PATH, self._image), *self.routes()],
            middleware=[Middleware(_LosesAnswers, fake=self)],
        )

    async def admit(self, request: Request) -> tuple[RecordedRequest, Response | None]:
        """Records ``request``; the injected failure's response if one is due, else None."""
        recorded = await _record(request)
        with self._lock:
            self.requests.append(recorded)
            failure = self._failures.popleft() if self._failures else None
        if failure is None:
            return recorded, None
        if failure is Failure.LOSE_ANSWER:
            request.scope[_LOSE_ANSWER] = True  # handled normally; _LosesAnswers drops the answer
            return recorded, None
        return recorded, await self._failure_response(failure)

    async def _failure_response(self, failure: Failure) -> Response:
        if failure is Failure.HANG:
            await self._hang()
            return self.error(504, "hung")
        if failure is Failure.UNAUTHORIZED:
            return self.error(401, "The access token is invalid")
        if failure is Failure.RATE_LIMITED:
            response = self.error(429, "Too many requests")
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return self.error(500, "Something went wrong on our side")

    async def _hang(self) -> None:
        generation = self._generation
        deadline = time.monotonic() + HANG_SECONDS
        # Polled: reset runs in the test's thread, and an asyncio.Event belongs to this loop.
        while self._generation == generation and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)

    async def _image(self, request: Request) -> Response:
        _, failure = await self.admit(request)
        return failure or Response(PNG, media_type="image/png")


_LOSE_ANSWER = "fake.lose_answer"


class _LosesAnswers:
    """ASGI middleware: a request marked by :meth:`FakeServer.admit` gets no answer (it hangs
    until the client gives up); its effects stand."""

    def __init__(self, app: ASGIApp, fake: FakeServer) -> None:
        self._app = app
        self._fake = fake

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def answer(message: Message) -> None:
            if not scope.get(_LOSE_ANSWER):
                await send(message)
            elif message["type"] == "http.response.start":
                await self._fake._hang()
                await send({"type": "http.response.start", "status": 504, "headers": []})
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                await send({"type": "http.response.body", "body": b""})

        await self._app(scope, receive, answer)


async def _record(request: Request) -> RecordedRequest:
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    form: dict[str, list[str]] = {}
    files: dict[str, bytes] = {}
    if content_type.startswith("multipart/form-data"):
        form, files = _multipart(content_type, body)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        form = parse_qs(body.decode(), keep_blank_values=True)
    return RecordedRequest(
        method=request.method,
        path=request.url.path,
        query=parse_qs(request.url.query, keep_blank_values=True),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        form=form,
        files=files,
    )


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, list[str]], dict[str, bytes]]:
    # The stdlib's MIME parser: Starlette's form parsing needs python-multipart, not a dependency.
    message = BytesParser(policy=policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    form: dict[str, list[str]] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        if part.get_filename() is not None:
            files[name] = payload
        else:
            form.setdefault(name, []).append(payload.decode())
    return form, files


def bearer(recorded: RecordedRequest) -> str | None:
    value = recorded.headers.get("authorization", "")
    return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None


@contextmanager
def serving(fake: FakeServer) -> Iterator[FakeServer]:
    """Serves ``fake`` on a free loopback port until the block ends; sets ``fake.base_url``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        fake.app(), log_level="warning", lifespan="off", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"{type(fake).__name__} did not start")
        time.sleep(0.01)
    fake.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        yield fake
    finally:
        fake.release_hangs()
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
