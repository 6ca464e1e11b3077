"""A fake Facebook Graph API: page feed posts and their deletion."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import FakeServer, RecordedRequest, bearer

TOKEN = "facebook-page-token"
PAGE_ID = "104857600"
VERSION = "v23.0"


class FakeFacebook(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(900_000_001)
        self._state = threading.Lock()
        self.posts: dict[str, dict[str, Any]] = {}
        self._scripted_errors: deque[tuple[int, str, int]] = deque()

    def reset(self) -> None:
        super().reset()
        with self._state:
            self.posts.clear()
            self._scripted_errors.clear()

    def fail_next_with_error(self, status: int, message: str, code: int) -> None:
        """The next post gets this Graph error (e.g. code 32: a page's rate limit, as HTTP 400)."""
        with self._state:
            self._scripted_errors.append((status, message, code))

    def error(self, status: int, message: str, code: int = 1) -> Response:
        codes = {401: 190, 429: 4}
        body = {
            "error": {"message": message, "type": "OAuthException", "code": codes.get(status, code)}
        }
        return JSONResponse(body, status_code=status)

    def routes(self) -> list[Route]:
        return [
            Route(f"/{VERSION}/{{page_id}}/feed", self._create, methods=["POST"]),
            Route(f"/{VERSION}/{{post_id}}", self._delete, methods=["DELETE"]),
        ]

    def _token_problem(self, recorded: RecordedRequest) -> Response | None:
        token = bearer(recorded) or next(iter(recorded.form.get("access_token", [])), None)
        if token != TOKEN:
            return self.error(400, "Invalid OAuth access token", code=190)
        return None

    async def _create(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        problem = self._token_problem(recorded)
        if problem:
            return problem
        with self._state:
            scripted = self._scripted_errors.popleft() if self._scripted_errors else None
        if scripted:
            return self.error(*scripted)
        if request.path_params["page_id"] != PAGE_ID:
            return self.error(400, "Unsupported post request", code=100)
        message = next(iter(recorded.form.get("message", [])), "")
        link = next(iter(recorded.form.get("link", [])), None)
        if not message and not link:
            return self.error(400, "(#100) Missing message or link", code=100)
        post_id = f"{PAGE_ID}_{next(self._ids)}"
        with self._state:
            self.posts[post_id] = {"message": message, "link": link}
        return JSONResponse({"id": post_id})

    async def _delete(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        problem = self._token_problem(recorded)
        if problem:
            return problem
        with self._state:
            removed = self.posts.pop(request.path_params["post_id"], None)
        if removed is None:
            return self.error(400, "Object does not exist", code=100)
        return JSONResponse({"success": True})
