"""A fake LinkedIn Posts API: versioned headers, the post body, little-text escaping."""

from __future__ import annotations

import itertools
import re
import threading
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import FakeServer, RecordedRequest, bearer

TOKEN = "linkedin-access-token"
ORGANISATION = "urn:li:organization:2414183"
_PLAIN = r"[^\\|{}@\[\]()<>#*_~]"
# Commentary is valid little text: escapes, hashtag templates and unreserved characters only.
LITTLE_TEXT = re.compile(rf"(?:\\.|\{{hashtag\|\\#\|(?:\\.|{_PLAIN})+\}}|{_PLAIN})*", re.DOTALL)


class FakeLinkedIn(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(7_100_000_000_000_000_001)
        self._state = threading.Lock()
        self.posts: dict[str, dict[str, Any]] = {}

    def reset(self) -> None:
        super().reset()
        with self._state:
            self.posts.clear()

    def error(self, status: int, message: str) -> Response:
        return JSONResponse({"message": message, "status": status}, status_code=status)

    def routes(self) -> list[Route]:
        return [
            Route("/rest/posts", self._create, methods=["POST"]),
            Route("/rest/posts/{urn:path}", self._delete, methods=["DELETE"]),
        ]

    def _header_problem(self, recorded: RecordedRequest) -> Response | None:
        if bearer(recorded) != TOKEN:
            return self.error(401, "Invalid access token")
        if not re.fullmatch(r"20\d{4}", recorded.headers.get("linkedin-version", "")):
            return self.error(400, "A valid LinkedIn-Version header (YYYYMM) is required")
        if recorded.headers.get("x-restli-protocol-version") != "2.0.0":
            return self.error(400, "X-Restli-Protocol-Version: 2.0.0 is required")
        return None

    async def _create(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        problem = self._header_problem(recorded)
        if problem:
            return problem
        body = recorded.json()
        message = _body_problem(body)
        if message:
            return self.error(422, message)
        urn = f"urn:li:share:{next(self._ids)}"
        with self._state:
            self.posts[urn] = body
        return Response(status_code=201, headers={"x-restli-id": urn})

    async def _delete(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        problem = self._header_problem(recorded)
        if problem:
            return problem
        with self._state:
            self.posts.pop(unquote(request.path_params["urn"]), None)
        return Response(status_code=204)


def _body_problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "body must be a JSON object"
    required = ("author", "commentary", "visibility", "distribution", "lifecycleState")
    missing = [field for field in required if field not in body]
    if missing:
        return f"missing fields {missing}"
    if body["author"] != ORGANISATION:
        return "author must be the organisation's URN"
    if body["distribution"].get("feedDistribution") != "MAIN_FEED":
        return "distribution.feedDistribution must be MAIN_FEED"
    if not LITTLE_TEXT.fullmatch(body["commentary"]):
        return "commentary has unescaped reserved characters"
    article = (body.get("content") or {}).get("article")
    if article is not None and not (article.get("source") and article.get("title")):
        return "content.article needs source and title"
    return None
