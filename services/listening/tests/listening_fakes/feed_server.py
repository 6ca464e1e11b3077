"""A fake feed server: a real HTTP server on loopback (a small ASGI app under uvicorn, in a
thread) serving RSS 2.0 and Atom 1.0 feeds the test scripts, path by path.

It honours ``If-None-Match`` and ``If-Modified-Since`` with 304s, and can lie about its
content type, answer with a status (500, 429 with ``Retry-After``, 404, 410), redirect, hold
each answer a moment (so that two pollers' fetches would overlap), or trickle its body a byte
at a time (a slow server). It records every request and the most requests it served at once
per path.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, Literal

import uvicorn

TRICKLE_CHUNKS = 200  # a slow answer ends on its own after this many bytes (0.05 s apart)


@dataclass(frozen=True)
class Entry:
    entry_id: str
    title: str
    body: str = ""
    link: str | None = None


@dataclass
class FakeFeed:
    kind: Literal["rss", "atom"] = "rss"
    entries: list[Entry] = field(default_factory=list)
    content_type: str | None = None
    """None: the right one; anything else is what the server claims (a lie, say)."""
    validators: bool = True
    """Send ETag and Last-Modified, and answer 304 when they are sent back."""
    status: int | None = None
    retry_after: str | None = None
    redirect_to: str | None = None
    hold_s: float = 0.0
    trickle: bool = False
    language: str | None = "en"

    def body(self) -> bytes:
        return (_atom(self) if self.kind == "atom" else _rss(self)).encode()

    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body()).hexdigest()[:16] + '"'

    def last_modified(self) -> str:
        """Follows the content (a second per distinct body, as far as a test can tell)."""
        seconds = int(hashlib.sha256(self.body()).hexdigest()[:6], 16)
        moment = datetime(2029, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
        return format_datetime(moment, usegmt=True)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    status: int
    client: tuple[str, int] | None = None
    """The connection's far end (address, port): the same for requests on one connection."""


class FeedServer:
    def __init__(self) -> None:
        self.feeds: dict[str, FakeFeed] = {}
        self.requests: list[Recorded] = []
        self.most_at_once: dict[str, int] = {}
        self.base_url = ""
        self._at_once: dict[str, int] = {}
        self._lock = threading.Lock()
        self.stopping = False

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def hits(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self._enter(path)
        try:
            feed = self.feeds.get(path)
            status, response_headers, body = self._answer(feed, headers)
            client = scope.get("client")
            self.requests.append(Recorded(path, headers, status, tuple(client) if client else None))
            if feed is not None and feed.hold_s:
                await asyncio.sleep(feed.hold_s)
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(k.encode(), v.encode()) for k, v in response_headers.items()],
                }
            )
            if feed is not None and feed.trickle and status == 200:
                await self._trickle(send, body)
            else:
                await send({"type": "http.response.body", "body": body})
        finally:
            self._leave(path)

    def _answer(
        self, feed: FakeFeed | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        if feed is None:
            return 404, {"content-type": "text/plain"}, b"no such feed"
        if feed.redirect_to is not None:
            return 302, {"location": feed.redirect_to}, b""
        if feed.status is not None:
            extra = {"retry-after": feed.retry_after} if feed.retry_after else {}
            return feed.status, {"content-type": "text/plain", **extra}, b"failing on purpose"
        etag, modified = feed.etag(), feed.last_modified()
        # As RFC 9110 says: If-None-Match, when sent, decides alone.
        unchanged = (
            headers["if-none-match"] == etag
            if "if-none-match" in headers
            else headers.get("if-modified-since") == modified
        )
        if feed.validators and unchanged:
            return 304, {"etag": etag}, b""
        right = "application/atom+xml" if feed.kind == "atom" else "application/rss+xml"
        answer = {"content-type": feed.content_type or right}
        if feed.validators:
            answer |= {"etag": etag, "last-modified": modified}
        return 200, answer, feed.body()

    async def _trickle(self, send: Any, body: bytes) -> None:
        for index in range(min(TRICKLE_CHUNKS, len(body))):
            if self.stopping:
                break
            await send(
                {"type": "http.response.body", "body": body[index : index + 1], "more_body": True}
            )
            await asyncio.sleep(0.05)
        await send({"type": "http.response.body", "body": b""})

    def _enter(self, path: str) -> None:
        with self._lock:
            self._at_once[path] = self._at_once.get(path, 0) + 1
            self.most_at_once[path] = max(self.most_at_once.get(path, 0), self._at_once[path])

    def _leave(self, path: str) -> None:
        with self._lock:
            self._at_once[path] -= 1


def _rss(feed: FakeFeed) -> str:
    items = "".join(
        f'<item><guid isPermaLink="false">{html.escape(e.entry_id)}</guid>'
        f"<title>{html.escape(e.title)}</title>"
        f"<description>{html.escape(e.body)}</description>"
        + (f"<link>{html.escape(e.link)}</link>" if e.link else "")
        + "<pubDate>Tue, 01 Jan 2030 07:00:00 GMT</pubDate></item>"
        for e in feed.entries
    )
    language = f"<language>{feed.language}</language>" if feed.language else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Fake</title><link>https://fake.example/</link>{language}{items}</channel></rss>"
    )


def _atom(feed: FakeFeed) -> str:
    entries = "".join(
        f"<entry><id>{html.escape(e.entry_id)}</id><title>{html.escape(e.title)}</title>"
        f'<content type="html">{html.escape(e.body)}</content>'
        + (f'<link href="{html.escape(e.link)}"/>' if e.link else "")
        + "<updated>2030-01-01T07:00:00Z</updated></entry>"
        for e in feed.entries
    )
    language = f' xml:lang="{feed.language}"' if feed.language else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{language}>'
        f"<title>Fake</title><id>urn:fake</id><updated>2030-01-01T07:00:00Z</updated>{entries}</feed>"
    )


@contextmanager
def serving() -> Iterator[FeedServer]:
    """A fake feed server on a free loopback port until the block ends."""
    fake = FeedServer()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(fake, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake feed server did not start")
        time.sleep(0.01)
    fake.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        yield fake
    finally:
        fake.stopping = True
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
