"""Bluesky: records in the account's repository over AT Protocol XRPC.

Log in with ``com.atproto.server.createSession`` (handle + app password), upload an image with
``com.atproto.repo.uploadBlob``, write each post with ``com.atproto.repo.createRecord``.

Idempotency: each post's record key is a TID derived from the delivery's idempotency key and the
post's index, so a retry writes to the same key; the repository refuses a second record there,
and we read back the one we wrote (``com.atproto.repo.getRecord``) instead of posting twice.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from distribution.adapters.networks.http import (
    DEFAULT_TIMEOUT,
    OutcomeError,
    check_destination,
    json_field,
    refuse,
    required_text,
    send,
    text_field,
)
from distribution.adapters.networks.images import download_image
from distribution.adapters.networks.reconcile import thread_posted
from distribution.domain.channels import BlueskyConfig
from distribution.domain.outcomes import Outcome, Success
from distribution.domain.social import Post

POST_COLLECTION = "app.bsky.feed.post"
IMAGES_EMBED_TYPE = "app.bsky.embed.images"
MAX_IMAGE_BYTES = 1_000_000  # app.bsky.embed.images: image maxSize
# Access tokens live about two hours; reusing a session spares createSession's tight rate limit.
SESSION_REUSE_S = 15 * 60
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable
# A repository answers a second record at an existing key with one of these.
_CONFLICT_STATUSES = frozenset({400, 409})
_EXPIRED_SESSION_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})


def error_detail(body: Any) -> str | None:
    """XRPC errors: ``{"error": "Name", "message"?: "..."}``."""
    name, message = text_field(body, "error"), text_field(body, "message")
    return f"{name}: {message}" if name and message else name or message


def record_key(idempotency_key: str, index: int) -> str:
    """A TID-shaped record key (13 base32-sortable characters, top bit clear), fixed by the
    delivery and the post's place in the thread. Bluesky's AppView indexes posts only under TID
    keys; the time a real TID encodes is not read back by anyone, so a hash stands in for it."""
    digest = hashlib.sha256(f"{idempotency_key}:{index}".encode()).digest()
    value = int.from_bytes(digest[:8], "big") & (2**63 - 1)
    return "".join(_TID_ALPHABET[(value >> (5 * shift)) & 31] for shift in range(12, -1, -1))


@dataclass(frozen=True, slots=True)
class _Session:
    access_jwt: str
    did: str
    started_at: float
    allow_insecure: bool  # the channel's configuration: its calls may reach internal addresses


@dataclass(frozen=True, slots=True)
class _Ref:
    uri: str
    cid: str

    def as_record(self) -> dict[str, str]:
        return {"uri": self.uri, "cid": self.cid}


class BlueskyAdapter:
    def __init__(
        self,
        client: httpx.AsyncClient,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._clock = clock
        self._sessions: dict[tuple[str, str, bool], _Session] = {}

    async def publish(
        self,
        config: BlueskyConfig,
        posts: Sequence[Post],
        idempotency_key: str,
        *,
        since: datetime | None = None,
    ) -> Outcome:
        """``since`` is unused: the deterministic record keys already find earlier posts."""
        return await self._with_session(
            config,
            lambda base, session: self._publish(config, base, session, posts, idempotency_key),
        )

    async def delete(self, config: BlueskyConfig, remote_id: str) -> Outcome:
        repo, collection, rkey = _parse_at_uri(remote_id)

        async def delete_record(base: str, session: _Session) -> Outcome:
            body = {"repo": repo, "collection": collection, "rkey": rkey}
            await self._xrpc(base, session, "POST", "com.atproto.repo.deleteRecord", json=body)
            return Success(remote_id)

        return await self._with_session(config, delete_record)

    async def _with_session(
        self, config: BlueskyConfig, step: Callable[[str, _Session], Any]
    ) -> Outcome:
        """Runs ``step`` logged in; once more with a new session if the cached one expired."""
        try:
            base = await self._base(config)
            session, cached = await self._session(config, base)
            try:
                outcome: Outcome = await step(base, session)
            except OutcomeError as error:
                if not (cached and _session_expired(error)):
                    raise
                self._sessions.pop(_session_key(config), None)
                session, _ = await self._session(config, base)
                outcome = await step(base, session)
        except OutcomeError as error:
            return error.outcome
        return outcome

    async def _publish(
        self,
        config: BlueskyConfig,
        base: str,
        session: _Session,
        posts: Sequence[Post],
        idempotency_key: str,
    ) -> Outcome:
        root: _Ref | None = None
        parent: _Ref | None = None
        posted: list[str] = []
        for index, post in enumerate(posts):
            record = await self._record(config, base, session, post, root, parent)
            rkey = record_key(idempotency_key, index)
            parent = await self._create_record(base, session, rkey, record)
            root = root or parent
            posted.append(parent.uri)
        first_rkey = record_key(idempotency_key, 0)
        return thread_posted(posted, f"https://bsky.app/profile/{config.handle}/post/{first_rkey}")

    async def _record(
        self,
        config: BlueskyConfig,
        base: str,
        session: _Session,
        post: Post,
        root: _Ref | None,
        parent: _Ref | None,
    ) -> dict[str, Any]:
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": post.text,
            "createdAt": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "langs": [post.language],
        }
        if post.facets:
            record["facets"] = [facet.as_record() for facet in post.facets]
        if post.image is not None:
            blob = await self._upload_image(config, base, session, post)
            image = {"alt": post.image.alt, "image": blob}
            record["embed"] = {"$type": IMAGES_EMBED_TYPE, "images": [image]}
        elif post.link_card is not None:
            record["embed"] = post.link_card.as_record()
        if root is not None and parent is not None:
            record["reply"] = {"root": root.as_record(), "parent": parent.as_record()}
        return record

    async def _create_record(
        self, base: str, session: _Session, rkey: str, record: dict[str, Any]
    ) -> _Ref:
        body = {"repo": session.did, "collection": POST_COLLECTION, "rkey": rkey, "record": record}
        try:
            response = await self._xrpc(
                base, session, "POST", "com.atproto.repo.createRecord", json=body
            )
        except OutcomeError as error:
            if error.response is None or error.response.status_code not in _CONFLICT_STATUSES:
                raise
            # Our key is taken: by our earlier attempt, if the record is there. Else a real error.
            existing = await self._existing_record(base, session, rkey)
            if existing is None:
                raise
            return existing
        answer = response.json()
        return _Ref(required_text(answer, "uri", "uri"), required_text(answer, "cid", "cid"))

    async def _existing_record(self, base: str, session: _Session, rkey: str) -> _Ref | None:
        params = {"repo": session.did, "collection": POST_COLLECTION, "rkey": rkey}
        try:
            response = await self._xrpc(
                base, session, "GET", "com.atproto.repo.getRecord", params=params
            )
        except OutcomeError:
            return None
        answer = response.json()
        uri, cid = text_field(answer, "uri"), text_field(answer, "cid")
        return _Ref(uri, cid) if uri and cid else None

    async def _upload_image(
        self, config: BlueskyConfig, base: str, session: _Session, post: Post
    ) -> Any:
        assert post.image is not None  # the caller checked
        image = await download_image(
            self._client,
            post.image.url,
            max_bytes=MAX_IMAGE_BYTES,
            http_timeout=self._timeout,
            allow_insecure=config.allow_insecure_url,
        )
        response = await self._xrpc(
            base,
            session,
            "POST",
            "com.atproto.repo.uploadBlob",
            content=image.content,
            headers={"Content-Type": image.content_type},
        )
        blob = json_field(response.json(), "blob")
        if not isinstance(blob, dict):
            raise refuse("uploadBlob answered without a blob")
        return blob

    async def _session(self, config: BlueskyConfig, base: str) -> tuple[_Session, bool]:
        """A logged-in session and whether it came from the cache."""
        cached = self._sessions.get(_session_key(config))
        if cached is not None and self._clock() - cached.started_at < SESSION_REUSE_S:
            return cached, True
        credentials = {
            "identifier": config.handle,
            "password": config.app_password.get_secret_value(),
        }
        response = await send(
            self._client,
            "POST",
            f"{base}/xrpc/com.atproto.server.createSession",
            error_detail=error_detail,
            http_timeout=self._timeout,
            allow_insecure=config.allow_insecure_url,
            json=credentials,
        )
        answer = response.json()
        session = _Session(
            required_text(answer, "an access token", "accessJwt"),
            required_text(answer, "the account's DID", "did"),
            self._clock(),
            config.allow_insecure_url,
        )
        self._sessions[_session_key(config)] = session
        return session, False

    async def _xrpc(
        self, base: str, session: _Session, method: str, nsid: str, **request: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {session.access_jwt}"} | request.pop("headers", {})
        return await send(
            self._client,
            method,
            f"{base}/xrpc/{nsid}",
            error_detail=error_detail,
            http_timeout=self._timeout,
            allow_insecure=session.allow_insecure,
            headers=headers,
            **request,
        )

    async def _base(self, config: BlueskyConfig) -> str:
        url = await check_destination(config.service_url, allow_insecure=config.allow_insecure_url)
        return url.rstrip("/")


def _session_key(config: BlueskyConfig) -> tuple[str, str, bool]:
    return (config.service_url, config.handle, config.allow_insecure_url)


def _session_expired(error: OutcomeError) -> bool:
    response = error.response
    if response is None:
        return False
    if response.status_code == 401:
        return True
    try:
        name = text_field(response.json(), "error")
    except ValueError:
        return False
    return response.status_code == 400 and name in _EXPIRED_SESSION_ERRORS


def _parse_at_uri(uri: str) -> tuple[str, str, str]:
    """``at://{repo}/{collection}/{rkey}`` as its three parts."""
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3 or not all(parts):
        raise ValueError(f"not a record's AT URI: {uri!r}")
    repo, collection, rkey = parts
    return repo, collection, rkey
