"""A fake Facebook Graph API: page feed posts, photo posts, the page's feed, deletion; a repeat
of a post's message is refused as Graph does (code 506, "Duplicate status message")."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import PNG, FakeServer, RecordedRequest, bearer

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
            Route(f"/{VERSION}/{{page_id}}/feed", self._feed, methods=["GET"]),
            Route(f"/{VERSION}/{{page_id}}/photos", self._create_photo, methods=["POST"]),
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
        with self._state:
            if self._repeats(message):
                return self.error(400, "Duplicate status message", code=506)
            post_id = self._add({"message": message, "link": link})
        return JSONResponse({"id": post_id})

    def _repeats(self, message: str) -> bool:
        return bool(message) and any(p["message"] == message for p in self.posts.values())

    def _add(self, post: dict[str, Any]) -> str:
        post_id = f"{PAGE_ID}_{next(self._ids)}"
        self.posts[post_id] = post | {"created_time": datetime.now(UTC)}
        self.created += 1
        return post_id

    async def _create_photo(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        problem = self._token_problem(recorded)
        if problem:
            return problem
        if request.path_params["page_id"] != PAGE_ID:
            return self.error(400, "Unsupported post request", code=100)
        source = recorded.files.get("source")
        url = next(iter(recorded.form.get("url", [])), None)
        if (source is None) == (url is None):
            return self.error(400, "(#324) Requires upload file: source or url", code=324)
        if source is not None and not source.startswith(PNG[:8]):
            return self.error(400, "(#324) The source is not an image", code=324)
        caption = next(iter(recorded.form.get("caption", [])), "")
        with self._state:
            if self._repeats(caption):
                return self.error(400, "Duplicate status message", code=506)
            photo_id = str(next(self._ids))
            post_id = self._add({"message": caption, "link": None, "photo_id": photo_id})
        return JSONResponse({"id": photo_id, "post_id": post_id})

    async def _feed(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        problem = self._token_problem(recorded)
        if problem:
            return problem
        query = {k: v[0] for k, v in recorded.query.items()}
        fields = set(query.get("fields", "id").split(","))
        since = datetime.fromtimestamp(int(query["since"]), UTC) if "since" in query else None
        limit = int(query.get("limit", "25"))
        with self._state:
            posts = sorted(self.posts.items(), key=lambda p: p[1]["created_time"], reverse=True)
        shown = [(i, p) for i, p in posts if since is None or p["created_time"] >= since][:limit]
        data = [_as_read(post_id, post, fields) for post_id, post in shown]
        return JSONResponse({"data": data, "paging": {}})

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


def _as_read(post_id: str, post: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    read: dict[str, Any] = {"id": post_id}
    if "message" in fields and post["message"]:
        read["message"] = post["message"]
    if "created_time" in fields:
        read["created_time"] = post["created_time"].strftime("%Y-%m-%dT%H:%M:%S+0000")
    return read
