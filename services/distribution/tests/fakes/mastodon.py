"""A fake Mastodon instance: statuses, media and deletion, checked as the API docs require."""

from __future__ import annotations

import itertools
import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import FakeServer, RecordedRequest, bearer

TOKEN = "mastodon-test-token"
VISIBILITIES = {"public", "unlisted", "private", "direct"}


class FakeMastodon(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(110_000_000_000_000_001)
        self._state = threading.Lock()
        self.statuses: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self._by_idempotency_key: dict[str, str] = {}

    def reset(self) -> None:
        super().reset()
        with self._state:
            self.statuses.clear()
            self.media.clear()
            self._by_idempotency_key.clear()

    def error(self, status: int, message: str) -> Response:
        return JSONResponse({"error": message}, status_code=status)

    def routes(self) -> list[Route]:
        return [
            Route("/api/v1/statuses", self._create_status, methods=["POST"]),
            Route("/api/v1/statuses/{id}", self._delete_status, methods=["DELETE"]),
            Route("/api/v2/media", self._upload_media, methods=["POST"]),
            Route("/api/v1/media/{id}", self._get_media, methods=["GET"]),
        ]

    async def _authorised(self, request: Request) -> tuple[RecordedRequest, Response | None]:
        recorded, failure = await self.admit(request)
        if failure is None and bearer(recorded) != TOKEN:
            failure = self.error(401, "The access token is invalid")
        return recorded, failure

    async def _create_status(self, request: Request) -> Response:
        recorded, failure = await self._authorised(request)
        if failure:
            return failure
        params = _status_params(recorded)
        problem = self._status_problem(params)
        if problem:
            return self.error(422, f"Validation failed: {problem}")
        key = recorded.headers.get("idempotency-key")
        with self._state:
            if key is not None and key in self._by_idempotency_key:
                return JSONResponse(self.statuses[self._by_idempotency_key[key]])
            status = self._new_status(params)
            if key is not None:
                self._by_idempotency_key[key] = status["id"]
        return JSONResponse(status)

    def _status_problem(self, params: dict[str, Any]) -> str | None:
        if not params.get("status") and not params.get("media_ids"):
            return "Text can't be blank"
        if params.get("visibility", "public") not in VISIBILITIES:
            return "Visibility is not included in the list"
        reply_to = params.get("in_reply_to_id")
        if reply_to is not None and reply_to not in self.statuses:
            return "Record not found (in_reply_to_id)"
        unknown = [m for m in params.get("media_ids", []) if m not in self.media]
        return f"unknown media {unknown}" if unknown else None

    def _new_status(self, params: dict[str, Any]) -> dict[str, Any]:
        status_id = str(next(self._ids))
        status = {
            "id": status_id,
            "uri": f"{self.base_url}/users/acme/statuses/{status_id}",
            "url": f"{self.base_url}/@acme/{status_id}",
            "content": params["status"],
            "visibility": params.get("visibility", "public"),
            "language": params.get("language"),
            "in_reply_to_id": params.get("in_reply_to_id"),
            "media_attachments": [self.media[m] for m in params.get("media_ids", [])],
        }
        self.statuses[status_id] = status
        return status

    async def _delete_status(self, request: Request) -> Response:
        _, failure = await self._authorised(request)
        if failure:
            return failure
        with self._state:
            status = self.statuses.pop(request.path_params["id"], None)
        return JSONResponse(status) if status else self.error(404, "Record not found")

    async def _upload_media(self, request: Request) -> Response:
        recorded, failure = await self._authorised(request)
        if failure:
            return failure
        if not recorded.headers.get("content-type", "").startswith("multipart/form-data"):
            return self.error(422, "Validation failed: expected multipart/form-data")
        if not recorded.files.get("file"):
            return self.error(422, "Validation failed: File can't be blank")
        media_id = str(next(self._ids))
        media = {
            "id": media_id,
            "type": "image",
            "url": f"{self.base_url}/media/{media_id}.png",
            "description": next(iter(recorded.form.get("description", [])), None),
        }
        with self._state:
            self.media[media_id] = media
        return JSONResponse(media)

    async def _get_media(self, request: Request) -> Response:
        _, failure = await self._authorised(request)
        if failure:
            return failure
        media = self.media.get(request.path_params["id"])
        return JSONResponse(media) if media else self.error(404, "Record not found")


def _status_params(recorded: RecordedRequest) -> dict[str, Any]:
    """The status parameters, sent as JSON or as a form (``media_ids[]`` repeated)."""
    if recorded.headers.get("content-type", "").startswith("application/json"):
        body = recorded.json()
        return body if isinstance(body, dict) else {}
    params: dict[str, Any] = {k: v[0] for k, v in recorded.form.items() if not k.endswith("[]")}
    if "media_ids[]" in recorded.form:
        params["media_ids"] = recorded.form["media_ids[]"]
    return params
