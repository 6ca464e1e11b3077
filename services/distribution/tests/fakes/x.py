"""A fake X API v2: creating and deleting posts with a user bearer token."""

from __future__ import annotations

import itertools
import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import FakeServer, bearer

TOKEN = "x-user-access-token"


class FakeX(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1_790_000_000_000_000_001)
        self._state = threading.Lock()
        self.posts: dict[str, dict[str, Any]] = {}

    def reset(self) -> None:
        super().reset()
        with self._state:
            self.posts.clear()

    def error(self, status: int, message: str) -> Response:
        titles = {401: "Unauthorized", 429: "Too Many Requests", 500: "Internal Server Error"}
        body = {"title": titles.get(status, "Invalid Request"), "detail": message, "status": status}
        return JSONResponse(body, status_code=status)

    def routes(self) -> list[Route]:
        return [
            Route("/2/tweets", self._create, methods=["POST"]),
            Route("/2/tweets/{id}", self._delete, methods=["DELETE"]),
        ]

    async def _create(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        if bearer(recorded) != TOKEN:
            return self.error(401, "Unauthorized")
        if not recorded.headers.get("content-type", "").startswith("application/json"):
            return self.error(400, "Content-Type must be application/json")
        body = recorded.json()
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            return self.error(400, "The `text` field is required")
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        if reply_to is not None and reply_to not in self.posts:
            return self.error(400, "The post you are replying to does not exist")
        with self._state:
            post_id = str(next(self._ids))
            self.posts[post_id] = {"id": post_id, "text": body["text"], "reply_to": reply_to}
        return JSONResponse({"data": {"id": post_id, "text": body["text"]}}, status_code=201)

    async def _delete(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        if bearer(recorded) != TOKEN:
            return self.error(401, "Unauthorized")
        with self._state:
            deleted = self.posts.pop(request.path_params["id"], None) is not None
        return JSONResponse({"data": {"deleted": deleted}})
