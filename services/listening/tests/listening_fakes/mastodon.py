"""A fake Mastodon instance on loopback: timelines paged by ``min_id``/``since_id``/``max_id``,
and server-sent-event streams that can be dropped or refused (401), as the Mastodon API does.

Statuses get increasing decimal ids. ``post`` adds one and sends it to every open stream of a
timeline it belongs to (public; public/local for local accounts; hashtag for its tags).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

HOST = "fake.social"


@dataclass
class _Stream:
    timeline: str  # "public", "public/local", "hashtag", "hashtag/local"
    tag: str | None
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)


class FakeMastodon:
    def __init__(self) -> None:
        self.base_url = ""
        self.statuses: list[dict[str, Any]] = []
        self._ids = itertools.count(110_000_000_000_000_001)
        self._streams: list[_Stream] = []
        self.refuse_streaming = False
        """True: every stream request answers 401 (the instance wants a token)."""
        self.streaming_token: str | None = None
        """Set: streams answer 401 unless this token is given."""
        self.stream_as_html = False
        """True: streams answer 200 with a web page (a login wall, a proxy's error page)."""
        self.stream_requests = 0
        self._streams_served = asyncio.Event()
        self._streams_served.set()
        self.timeline_requests: list[dict[str, str]] = []

    @property
    def open_streams(self) -> int:
        return len(self._streams)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/v1/streaming/{timeline:path}", self._stream),
                Route("/api/v1/timelines/public", self._public),
                Route("/api/v1/timelines/tag/{tag}", self._tag),
            ]
        )

    # What tests do

    def post(
        self,
        content: str,
        *,
        acct: str = "jane",
        tags: tuple[str, ...] = (),
        spoiler_text: str = "",
        language: str | None = "en",
        reblog: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        status_id = str(next(self._ids))
        user = acct.split("@")[0]
        status: dict[str, Any] = {
            "id": status_id,
            "uri": f"https://{HOST}/users/{user}/statuses/{status_id}",
            "url": f"https://{HOST}/@{user}/{status_id}",
            "created_at": datetime.now(UTC).isoformat(),
            "content": content if reblog is None else "",
            "spoiler_text": spoiler_text,
            "language": language,
            "account": {"id": "1", "acct": acct, "username": user},
            "tags": [{"name": tag} for tag in tags],
            "reblog": reblog,
        }
        self.publish(status)
        return status

    def publish(self, status: dict[str, Any]) -> None:
        """Adds ``status`` (any JSON: tests send malformed ones too) and streams it."""
        if "id" not in status:
            status["id"] = str(next(self._ids))
        self.statuses.append(status)
        event = f"event: update\ndata: {json.dumps(status)}\n\n"
        for stream in self._streams:
            if _belongs(status, stream.timeline, stream.tag):
                stream.queue.put_nowait(event)

    def edit(self, status: dict[str, Any], content: str) -> dict[str, Any]:
        """The author edits ``status``: its new version is streamed as ``status.update``."""
        status["content"] = content
        status["edited_at"] = datetime.now(UTC).isoformat()
        event = f"event: status.update\ndata: {json.dumps(status)}\n\n"
        for stream in self._streams:
            if _belongs(status, stream.timeline, stream.tag):
                stream.queue.put_nowait(event)
        return status

    def delete(self, status: dict[str, Any]) -> None:
        """The author deletes ``status``: gone from the pages, its id streamed as ``delete``
        (to every stream, as Mastodon does: a deletion names no timeline)."""
        self.statuses.remove(status)
        for stream in self._streams:
            stream.queue.put_nowait(f"event: delete\ndata: {status['id']}\n\n")

    def hold_streams(self) -> None:
        """Stream requests wait (no answer yet) until :meth:`serve_streams`."""
        self._streams_served.clear()

    def serve_streams(self) -> None:
        self._streams_served.set()

    def drop_streams(self) -> None:
        """Ends every open stream, as a restarting instance or a lost connection would."""
        for stream in self._streams:
            stream.queue.put_nowait(None)

    # The API

    async def _stream(self, request: Request) -> Response:
        self.stream_requests += 1
        await self._streams_served.wait()
        timeline = request.path_params["timeline"]
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if self.refuse_streaming or (self.streaming_token and token != self.streaming_token):
            return JSONResponse({"error": "Error while streaming: not authorized"}, 401)
        if self.stream_as_html:
            return Response("<html>Sign in</html>", media_type="text/html")
        if timeline not in ("public", "public/local", "hashtag", "hashtag/local"):
            return JSONResponse({"error": "Unknown stream type"}, 404)
        stream = _Stream(timeline, request.query_params.get("tag"))
        self._streams.append(stream)
        return StreamingResponse(self._events(stream), media_type="text/event-stream")

    async def _events(self, stream: _Stream) -> AsyncIterator[str]:
        try:
            yield ":)\n\n"  # Mastodon's first heartbeat
            while (event := await stream.queue.get()) is not None:
                yield event
        finally:
            self._streams.remove(stream)

    async def _public(self, request: Request) -> Response:
        local = request.query_params.get("local") == "true"
        return self._page(request, "public/local" if local else "public", None)

    async def _tag(self, request: Request) -> Response:
        local = request.query_params.get("local") == "true"
        tag = request.path_params["tag"]
        return self._page(request, "hashtag/local" if local else "hashtag", tag)

    def _page(self, request: Request, timeline: str, tag: str | None) -> Response:
        params = dict(request.query_params)
        self.timeline_requests.append(params)
        limit = min(int(params.get("limit", "20")), 40)
        rows = [s for s in self.statuses if _belongs(s, timeline, tag)]
        if "max_id" in params:
            rows = [s for s in rows if _newer(params["max_id"], s["id"])]
        if "since_id" in params:
            rows = [s for s in rows if _newer(s["id"], params["since_id"])]
        if "min_id" in params:  # the statuses right after min_id
            rows = [s for s in rows if _newer(s["id"], params["min_id"])][:limit]
        else:  # the newest ones
            rows = rows[-limit:]
        return JSONResponse(list(reversed(rows)))  # newest first, as Mastodon answers


def _newer(a: Any, b: Any) -> bool:
    return isinstance(a, str) and (len(a), a) > (len(str(b)), str(b))


def _belongs(status: dict[str, Any], timeline: str, tag: str | None) -> bool:
    account = status.get("account")
    acct = account.get("acct", "") if isinstance(account, dict) else ""
    if timeline.endswith("/local") and "@" in str(acct):
        return False
    if timeline.startswith("hashtag"):
        tags = status.get("tags") or []
        return any(isinstance(t, dict) and t.get("name") == tag for t in tags)
    return True
