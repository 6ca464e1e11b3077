"""A fake X API v2: posts (with media), the user's timeline, media upload, deletion.

As X documents it: a post repeating a recent post's text gets 403 "duplicate content"; the
timeline (``GET /2/users/:id/tweets``) lists posts newest first, text with ``&<>`` escaped and
links as t.co links (``entities.urls``), paged with ``next_token``.
"""

from __future__ import annotations

import html
import itertools
import re
import threading
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import PNG, FakeServer, RecordedRequest, bearer

TOKEN = "x-user-access-token"
USER_ID = "2244994945"
USERNAME = "acme"
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
_LINK = re.compile(r"https?://\S+")


class FakeX(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1_790_000_000_000_000_001)
        self._state = threading.Lock()
        self.posts: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}  # id -> {"bytes", "category", "alt_text"}

    def reset(self) -> None:
        super().reset()
        with self._state:
            self.posts.clear()
            self.media.clear()

    def error(self, status: int, message: str) -> Response:
        titles = {
            401: "Unauthorized",
            403: "Forbidden",
            429: "Too Many Requests",
            500: "Internal Server Error",
        }
        body = {
            "title": titles.get(status, "Invalid Request"),
            "detail": message,
            "type": "about:blank",
            "status": status,
        }
        return JSONResponse(body, status_code=status)

    def routes(self) -> list[Route]:
        return [
            Route("/2/tweets", self._create, methods=["POST"]),
            Route("/2/tweets/{id}", self._delete, methods=["DELETE"]),
            Route("/2/users/me", self._me, methods=["GET"]),
            Route("/2/users/{id}/tweets", self._timeline, methods=["GET"]),
            Route("/2/media/upload", self._upload, methods=["POST"]),
            Route("/2/media/metadata", self._metadata, methods=["POST"]),
        ]

    async def _authorised(self, request: Request) -> tuple[RecordedRequest, Response | None]:
        recorded, failure = await self.admit(request)
        if failure:
            return recorded, failure
        if bearer(recorded) != TOKEN:
            return recorded, self.error(401, "Unauthorized")
        return recorded, None

    async def _create(self, request: Request) -> Response:
        recorded, refused = await self._authorised(request)
        if refused:
            return refused
        if not recorded.headers.get("content-type", "").startswith("application/json"):
            return self.error(400, "Content-Type must be application/json")
        body = recorded.json()
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            return self.error(400, "The `text` field is required")
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        with self._state:
            if reply_to is not None and reply_to not in self.posts:
                return self.error(400, "The post you are replying to does not exist")
            if any(m not in self.media for m in media_ids):
                return self.error(400, "media.media_ids names media that was not uploaded")
            if any(p["text"] == body["text"] for p in self.posts.values()):
                return self.error(403, DUPLICATE)
            post_id = str(next(self._ids))
            self.posts[post_id] = {
                "id": post_id,
                "text": body["text"],
                "reply_to": reply_to,
                "media_ids": list(media_ids),
                "created_at": datetime.now(UTC),
            }
            self.created += 1
        return JSONResponse({"data": {"id": post_id, "text": body["text"]}}, status_code=201)

    async def _delete(self, request: Request) -> Response:
        _, refused = await self._authorised(request)
        if refused:
            return refused
        with self._state:
            deleted = self.posts.pop(request.path_params["id"], None) is not None
        return JSONResponse({"data": {"deleted": deleted}})

    async def _me(self, request: Request) -> Response:
        _, refused = await self._authorised(request)
        return refused or JSONResponse(
            {"data": {"id": USER_ID, "name": "Acme", "username": USERNAME}}
        )

    async def _timeline(self, request: Request) -> Response:
        recorded, refused = await self._authorised(request)
        if refused:
            return refused
        if request.path_params["id"] != USER_ID:
            return self.error(400, "Only the authenticated user's timeline here")
        query = {k: v[0] for k, v in recorded.query.items()}
        size = int(query.get("max_results", "10"))
        if not 5 <= size <= 100:
            return self.error(400, "max_results must be between 5 and 100")
        start = datetime.fromisoformat(query["start_time"]) if "start_time" in query else None
        with self._state:
            newest_first = sorted(self.posts.values(), key=lambda p: p["created_at"], reverse=True)
        shown = [p for p in newest_first if start is None or p["created_at"] >= start]
        offset = int(query.get("pagination_token", "0"))
        page = shown[offset : offset + size]
        fields = set(query.get("tweet.fields", "").split(","))
        meta: dict[str, Any] = {"result_count": len(page)}
        if offset + size < len(shown):
            meta["next_token"] = str(offset + size)
        answer: dict[str, Any] = {"meta": meta}
        if page:
            answer["data"] = [_as_read(post, fields) for post in page]
        return JSONResponse(answer)

    async def _upload(self, request: Request) -> Response:
        recorded, refused = await self._authorised(request)
        if refused:
            return refused
        media = recorded.files.get("media")
        category = next(iter(recorded.form.get("media_category", [])), None)
        if media is None or not media.startswith(PNG[:8]):
            return self.error(400, "media must be the image's bytes (multipart field `media`)")
        if category != "tweet_image":
            return self.error(400, "media_category must be tweet_image for a post's image")
        with self._state:
            media_id = str(next(self._ids))
            self.media[media_id] = {"bytes": media, "category": category, "alt_text": None}
        body = {"id": media_id, "media_key": f"3_{media_id}", "size": len(media)}
        return JSONResponse({"data": body})

    async def _metadata(self, request: Request) -> Response:
        recorded, refused = await self._authorised(request)
        if refused:
            return refused
        body = recorded.json()
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        with self._state:
            if body.get("id") not in self.media or not isinstance(alt, str):
                return self.error(400, "id of uploaded media and metadata.alt_text.text needed")
            self.media[body["id"]]["alt_text"] = alt
        return JSONResponse({"data": {"id": body["id"], "associated_metadata": True}})


def _as_read(post: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    """A post as the timeline shows it: escaped text, t.co links, fields on request."""
    urls = []
    text = post["text"]
    for number, link in enumerate(_LINK.findall(text), start=1):
        short = f"https://t.co/{post['id'][-6:]}{number}"
        urls.append({"url": short, "expanded_url": link, "display_url": link.split("//", 1)[1]})
        text = text.replace(link, short, 1)
    read: dict[str, Any] = {
        "id": post["id"],
        "text": html.escape(text, quote=False),
        "edit_history_tweet_ids": [post["id"]],
    }
    if "created_at" in fields:
        read["created_at"] = (
            post["created_at"].isoformat(timespec="milliseconds").replace("+00:00", "Z")
        )
    if "entities" in fields and urls:
        read["entities"] = {"urls": urls}
    if "referenced_tweets" in fields and post["reply_to"]:
        read["referenced_tweets"] = [{"type": "replied_to", "id": post["reply_to"]}]
    return read
