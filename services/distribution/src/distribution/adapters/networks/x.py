"""X: posts with the API v2 (``POST /2/tweets``, ``DELETE /2/tweets/:id``), user context.

X has no idempotency key, so a retry after a lost answer could post twice. A delivery whose
earlier attempt may have posted (``since``) first reads the account's recent posts
(``GET /2/users/:id/tweets``, the id from ``GET /2/users/me``) and keeps the ones with our
exact text; a thread continues after its last post found. X also refuses a repeat of a recent
post's text (403 "duplicate content"): that answer too means "already posted", and the post is
looked up. Images: ``POST /2/media/upload`` (alt text with ``POST /2/media/metadata``), then
``media.media_ids`` on the post.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from distribution.adapters.networks.base import CLOCK_SKEW
from distribution.adapters.networks.http import (
    DEFAULT_TIMEOUT,
    OutcomeError,
    check_destination,
    json_field,
    required_text,
    send,
    text_field,
)
from distribution.adapters.networks.images import download_image
from distribution.adapters.networks.reconcile import (
    FoundPost,
    creation_failure,
    landed,
    thread_failure,
    thread_posted,
)
from distribution.domain.channels import XConfig
from distribution.domain.outcomes import Outcome, Success
from distribution.domain.social import Post

API_URL = "https://api.x.com"
MAX_IMAGE_BYTES = 5 * 1024 * 1024  # X's limit for images (tweet_image)
# A 403 "duplicate content" without a known first attempt: look this far back for the post.
DUPLICATE_LOOKBACK = timedelta(days=1)
TIMELINE_PAGE_SIZE = 100  # the endpoint's maximum
TIMELINE_MAX_PAGES = 5


def error_detail(body: Any) -> str | None:
    """X errors: problem details ``{"title", "detail"}`` or ``{"errors": [{"message"}]}``."""
    return (
        text_field(body, "detail")
        or text_field(body, "errors", 0, "message")
        or text_field(body, "title")
    )


def is_duplicate(error: OutcomeError) -> bool:
    response = error.response
    return (
        response is not None
        and response.status_code == 403
        and "duplicate" in error.outcome.reason.lower()
    )


def text_as_sent(tweet: Any) -> str:
    """A read-back post's text as we sent it: X escapes ``&<>`` as HTML entities and shows
    links as t.co links (their ``expanded_url`` is ours)."""
    text = html.unescape(str(tweet.get("text", "")))
    for link in json_field(tweet, "entities", "urls") or []:
        short, expanded = link.get("url"), link.get("expanded_url")
        if isinstance(short, str) and isinstance(expanded, str):
            text = text.replace(short, expanded)
    return text


def _found(tweet: Any) -> FoundPost | None:
    post_id, created = text_field(tweet, "id"), text_field(tweet, "created_at")
    if post_id is None or created is None:
        return None
    replied_to = [
        r.get("id") for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"
    ]
    return FoundPost(
        post_id,
        text_as_sent(tweet),
        datetime.fromisoformat(created),
        replied_to[0] if replied_to else None,
    )


class XAdapter:
    """``base_url``: the API's (the channel config has none: every account posts to one API).
    ``max_image_bytes``: the largest image uploaded (X's limit; larger ones are refused before
    any upload)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        base_url: str = API_URL,
        *,
        max_image_bytes: int = MAX_IMAGE_BYTES,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._base_url = base_url.rstrip("/")
        self._max_image_bytes = max_image_bytes
        self._user_ids: dict[str, str] = {}  # account -> its user id (never changes)

    async def publish(
        self,
        config: XConfig,
        posts: Sequence[Post],
        idempotency_key: str,
        *,
        since: datetime | None = None,
    ) -> Outcome:
        """``idempotency_key`` is unused: X cannot deduplicate (see the module's docstring)."""
        if not posts:
            raise ValueError("publish needs at least one post")
        posted: list[str] = []
        try:
            if since is not None:
                posted += await self._landed(config, posts, since)
            for post in posts[len(posted) :]:
                posted.append(await self._post(config, posts, post, posted, since))
        except OutcomeError as error:
            return thread_failure(error.outcome, posted)
        return thread_posted(posted, f"https://x.com/{config.account}/status/{posted[0]}")

    async def delete(self, config: XConfig, remote_id: str) -> Outcome:
        try:
            await self._send(config, "DELETE", f"/2/tweets/{remote_id}")
        except OutcomeError as error:
            if error.response is None or error.response.status_code != 404:
                return error.outcome
        return Success(remote_id)

    async def _post(
        self,
        config: XConfig,
        posts: Sequence[Post],
        post: Post,
        posted: list[str],
        since: datetime | None,
    ) -> str:
        body: dict[str, Any] = {"text": post.text}
        if posted:
            body["reply"] = {"in_reply_to_tweet_id": posted[-1]}
        if post.image is not None:
            body["media"] = {"media_ids": [await self._upload_image(config, post)]}
        try:
            response = await self._send(config, "POST", "/2/tweets", json=body)
        except OutcomeError as error:
            if not is_duplicate(error):
                raise creation_failure(error) from None
            # Already posted (by an attempt whose answer we lost): find it.
            window = since or datetime.now(UTC) - DUPLICATE_LOOKBACK
            wanted = posts[: len(posted) + 1]
            found = await self._landed(config, wanted, window)
            if len(found) < len(wanted):
                raise
            return found[-1]
        return required_text(response.json(), "the post id", "data", "id")

    async def _landed(self, config: XConfig, posts: Sequence[Post], since: datetime) -> list[str]:
        """The ids of ``posts`` (a thread's first ones) already posted since ``since``."""
        start = since - CLOCK_SKEW
        user_id = await self._user_id(config)
        params: dict[str, Any] = {
            "max_results": TIMELINE_PAGE_SIZE,
            "start_time": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tweet.fields": "created_at,referenced_tweets,entities",
        }
        found: list[FoundPost] = []
        for _ in range(TIMELINE_MAX_PAGES):
            response = await self._send(config, "GET", f"/2/users/{user_id}/tweets", params=params)
            answer = response.json()
            found += [f for f in map(_found, json_field(answer, "data") or []) if f is not None]
            next_token = text_field(answer, "meta", "next_token")
            if next_token is None:
                break
            params["pagination_token"] = next_token
        return landed([p.text for p in posts], found, start)

    async def _user_id(self, config: XConfig) -> str:
        if config.account not in self._user_ids:
            response = await self._send(config, "GET", "/2/users/me")
            self._user_ids[config.account] = required_text(
                response.json(), "the user id", "data", "id"
            )
        return self._user_ids[config.account]

    async def _upload_image(self, config: XConfig, post: Post) -> str:
        assert post.image is not None  # the caller checked
        image = await download_image(
            self._client,
            post.image.url,
            max_bytes=self._max_image_bytes,
            http_timeout=self._timeout,
            allow_insecure=config.allow_insecure_url,
        )
        response = await self._send(
            config,
            "POST",
            "/2/media/upload",
            files={"media": (image.filename, image.content, image.content_type)},
            data={"media_category": "tweet_image", "media_type": image.content_type},
        )
        media_id = required_text(response.json(), "the media id", "data", "id")
        if post.image.alt:
            metadata = {"id": media_id, "metadata": {"alt_text": {"text": post.image.alt}}}
            await self._send(config, "POST", "/2/media/metadata", json=metadata)
        return media_id

    async def _send(
        self, config: XConfig, method: str, path: str, **request: Any
    ) -> httpx.Response:
        base = await check_destination(self._base_url, allow_insecure=config.allow_insecure_url)
        return await send(
            self._client,
            method,
            base.rstrip("/") + path,
            error_detail=error_detail,
            http_timeout=self._timeout,
            allow_insecure=config.allow_insecure_url,
            headers={"Authorization": f"Bearer {config.access_token.get_secret_value()}"},
            **request,
        )
