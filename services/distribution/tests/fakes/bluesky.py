"""A fake Bluesky PDS: sessions, blobs and post records over XRPC, checked as the lexicons say."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import FakeServer, RecordedRequest, bearer

HANDLE = "acme.bsky.social"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"
DID = "did:plc:fakeacme000000000000000"
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
MAX_BLOB_BYTES = 1_000_000
XRPC = "/xrpc/"


class FakeBluesky(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self._state = threading.Lock()
        self.sessions: set[str] = set()
        self.blobs: dict[str, dict[str, Any]] = {}
        self.records: dict[str, dict[str, Any]] = {}  # rkey -> {"uri", "cid", "value"}

    def reset(self) -> None:
        super().reset()
        with self._state:
            self.sessions.clear()
            self.blobs.clear()
            self.records.clear()

    def expire_sessions(self) -> None:
        with self._state:
            self.sessions.clear()

    def error(self, status: int, message: str, name: str | None = None) -> Response:
        names = {
            401: "AuthenticationRequired",
            429: "RateLimitExceeded",
            500: "InternalServerError",
        }
        error = name or names.get(status, "InvalidRequest")
        return JSONResponse({"error": error, "message": message}, status_code=status)

    def routes(self) -> list[Route]:
        return [
            Route(
                XRPC + "com.atproto.server.createSession", self._create_session, methods=["POST"]
            ),
            Route(XRPC + "com.atproto.repo.uploadBlob", self._upload_blob, methods=["POST"]),
            Route(XRPC + "com.atproto.repo.createRecord", self._create_record, methods=["POST"]),
            Route(XRPC + "com.atproto.repo.getRecord", self._get_record, methods=["GET"]),
            Route(XRPC + "com.atproto.repo.deleteRecord", self._delete_record, methods=["POST"]),
        ]

    async def _create_session(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        body = _json_object(recorded)
        if body is None:
            return self.error(400, "Input must be a JSON object")
        if body.get("identifier") != HANDLE or body.get("password") != APP_PASSWORD:
            return self.error(401, "Invalid identifier or password")
        token = secrets.token_urlsafe(16)
        with self._state:
            self.sessions.add(token)
        return JSONResponse(
            {"accessJwt": token, "refreshJwt": "r" + token, "did": DID, "handle": HANDLE}
        )

    async def _authorised(self, request: Request) -> tuple[RecordedRequest, Response | None]:
        recorded, failure = await self.admit(request)
        if failure is None and bearer(recorded) not in self.sessions:
            failure = self.error(400, "Token has expired", name="ExpiredToken")
        return recorded, failure

    async def _upload_blob(self, request: Request) -> Response:
        recorded, failure = await self._authorised(request)
        if failure:
            return failure
        mime = recorded.headers.get("content-type", "")
        if not mime.startswith("image/") or not recorded.body:
            return self.error(400, "expected an image body with its Content-Type")
        if len(recorded.body) > MAX_BLOB_BYTES:
            return self.error(400, "BlobTooLarge")
        cid = "bafkrei" + hashlib.sha256(recorded.body).hexdigest()[:52]
        blob = {
            "$type": "blob",
            "ref": {"$link": cid},
            "mimeType": mime,
            "size": len(recorded.body),
        }
        with self._state:
            self.blobs[cid] = blob
        return JSONResponse({"blob": blob})

    async def _create_record(self, request: Request) -> Response:
        recorded, failure = await self._authorised(request)
        if failure:
            return failure
        body = _json_object(recorded) or {}
        problem = self._record_problem(body)
        if problem:
            return self.error(400, f"Invalid app.bsky.feed.post record: {problem}")
        rkey = body["rkey"]
        with self._state:
            if rkey in self.records:
                return self.error(400, "Record already exists", name="InvalidRequest")
            uri = f"at://{DID}/app.bsky.feed.post/{rkey}"
            cid = "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:52]
            self.records[rkey] = {"uri": uri, "cid": cid, "value": body["record"]}
        return JSONResponse({"uri": uri, "cid": cid})

    def _record_problem(self, body: dict[str, Any]) -> str | None:
        record = body.get("record")
        if body.get("repo") not in (DID, HANDLE) or body.get("collection") != "app.bsky.feed.post":
            return "repo must be the session's account, collection app.bsky.feed.post"
        if not isinstance(body.get("rkey"), str) or not TID.fullmatch(body["rkey"]):
            return "rkey must be a TID"
        if not isinstance(record, dict) or record.get("$type") != "app.bsky.feed.post":
            return "record.$type must be app.bsky.feed.post"
        if not isinstance(record.get("text"), str) or not isinstance(record.get("createdAt"), str):
            return "text and createdAt are required"
        return _facets_problem(record) or self._embed_problem(record) or self._reply_problem(record)

    def _embed_problem(self, record: dict[str, Any]) -> str | None:
        embed = record.get("embed")
        if embed is None:
            return None
        if embed.get("$type") == "app.bsky.embed.external":
            external = embed.get("external", {})
            ok = all(isinstance(external.get(k), str) for k in ("uri", "title", "description"))
            return None if ok else "external embed needs uri, title, description"
        if embed.get("$type") == "app.bsky.embed.images":
            images = embed.get("images", [])
            known = all(
                i.get("image", {}).get("ref", {}).get("$link") in self.blobs for i in images
            )
            alts = all(isinstance(i.get("alt"), str) for i in images)
            return None if images and known and alts else "images need uploaded blobs and alt"
        return f"unknown embed {embed.get('$type')}"

    def _reply_problem(self, record: dict[str, Any]) -> str | None:
        reply = record.get("reply")
        if reply is None:
            return None
        known = {(r["uri"], r["cid"]) for r in self.records.values()}
        for part in ("root", "parent"):
            ref = reply.get(part, {})
            if (ref.get("uri"), ref.get("cid")) not in known:
                return f"reply.{part} must be an existing record's uri and cid"
        return None

    async def _get_record(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        rkey = recorded.query.get("rkey", [""])[0]
        record = self.records.get(rkey)
        if record is None:
            return self.error(400, f"Could not locate record: {rkey}", name="RecordNotFound")
        return JSONResponse(record)

    async def _delete_record(self, request: Request) -> Response:
        recorded, failure = await self._authorised(request)
        if failure:
            return failure
        body = _json_object(recorded) or {}
        if body.get("repo") not in (DID, HANDLE) or body.get("collection") != "app.bsky.feed.post":
            return self.error(400, "repo and collection are required")
        with self._state:
            self.records.pop(str(body.get("rkey")), None)
        return JSONResponse({})


def _facets_problem(record: dict[str, Any]) -> str | None:
    size = len(record["text"].encode("utf-8"))
    for facet in record.get("facets", []):
        index = facet.get("index", {})
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size):
            return f"facet index {index} outside the text's {size} bytes"
        if not facet.get("features"):
            return "a facet needs features"
    return None


def _json_object(recorded: RecordedRequest) -> dict[str, Any] | None:
    if not recorded.headers.get("content-type", "").startswith("application/json"):
        return None
    body = recorded.json()
    return body if isinstance(body, dict) else None
