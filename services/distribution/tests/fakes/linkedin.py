"""A fake LinkedIn Posts API: versioned headers, the post body, little-text escaping; the
organisation's posts (``q=author``), the Images API, and the 422 a repeated post gets."""

from __future__ import annotations

import itertools
import re
import threading
import time
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import PNG, FakeServer, RecordedRequest, bearer

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
        self.images: dict[str, bytes | None] = {}  # image URN -> its bytes once uploaded

    def reset(self) -> None:
        super().reset()
        with self._state:
            self.posts.clear()
            self.images.clear()

    def error(self, status: int, message: str) -> Response:
        return JSONResponse({"message": message, "status": status}, status_code=status)

    def routes(self) -> list[Route]:
        return [
            Route("/rest/posts", self._create, methods=["POST"]),
            Route("/rest/posts", self._by_author, methods=["GET"]),
            Route("/rest/posts/{urn:path}", self._delete, methods=["DELETE"]),
            Route("/rest/images", self._initialize_upload, methods=["POST"]),
            Route("/dms-uploads/{id}", self._upload, methods=["PUT"]),
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
        message = _body_problem(body) or self._media_problem(body)
        if message:
            return self.error(422, message)
        with self._state:
            for urn, existing in self.posts.items():
                if existing["commentary"] == body["commentary"]:
                    return self.error(422, f"Content is a duplicate of {urn}")
            urn = f"urn:li:share:{next(self._ids)}"
            self.posts[urn] = body | {"createdAt": int(time.time() * 1000)}
            self.created += 1
        return Response(status_code=201, headers={"x-restli-id": urn})

    def _media_problem(self, body: dict[str, Any]) -> str | None:
        media = (body.get("content") or {}).get("media")
        if media is None:
            return None
        if (body.get("content") or {}).get("article") is not None:
            return "content has one kind: media or article"
        with self._state:
            uploaded = self.images.get(media.get("id", "")) is not None
        return None if uploaded else "content.media.id must be an uploaded image's URN"

    async def _by_author(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        problem = self._header_problem(recorded)
        if problem:
            return problem
        if recorded.query.get("q") != ["author"] or "author" not in recorded.query:
            return self.error(400, "q=author and author are required")
        # Rest.li 2.0: the URN in a query is URL-encoded ("urn%3Ali%3A...").
        if "urn%3Ali%3A" not in request.url.query:
            return self.error(400, "the author URN must be URL-encoded")
        author = recorded.query["author"][0]
        count = int(recorded.query.get("count", ["10"])[0])
        with self._state:
            mine = [
                {"id": urn} | post for urn, post in self.posts.items() if post["author"] == author
            ]
        newest_first = sorted(mine, key=lambda p: p["createdAt"], reverse=True)[:count]
        paging = {"start": 0, "count": count, "links": []}
        return JSONResponse({"elements": newest_first, "paging": paging})

    async def _initialize_upload(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        problem = self._header_problem(recorded)
        if problem:
            return problem
        if recorded.query.get("action") != ["initializeUpload"]:
            return self.error(400, "action=initializeUpload is required")
        owner = (recorded.json().get("initializeUploadRequest") or {}).get("owner")
        if owner != ORGANISATION:
            return self.error(422, "initializeUploadRequest.owner must be the organisation")
        number = next(self._ids)
        urn = f"urn:li:image:C4E10AQ{number}"
        with self._state:
            self.images[urn] = None
        value = {
            "uploadUrlExpiresAt": int(time.time() * 1000) + 3_600_000,
            "uploadUrl": f"{self.base_url}/dms-uploads/{number}",
            "image": urn,
        }
        return JSONResponse({"value": value})

    async def _upload(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        urn = f"urn:li:image:C4E10AQ{request.path_params['id']}"
        with self._state:
            if urn not in self.images:
                return self.error(404, "no upload was initialised here")
            if not recorded.body.startswith(PNG[:8]):
                return self.error(400, "the body must be the image's bytes")
            self.images[urn] = recorded.body
        return Response(status_code=201)

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
