"""Facebook Pages: posts with the Graph API (``POST /{version}/{page-id}/feed``), or with the
release's image, a photo post (``POST /{page-id}/photos``: the bytes as ``source``, the text as
``caption``).

The page access token goes in the ``Authorization`` header, never in the URL, so it cannot end
up in a log line or an error message. Graph has no idempotency key: a delivery whose earlier
attempt may have posted (``since``) first reads the page's recent posts
(``GET /{page-id}/feed?fields=id,message,created_time``) and takes the one with our exact
message; Graph's refusal of a repeat (error 506, "duplicate status message") means "already
posted" too, and the post is looked up.
"""

from __future__ import annotations

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
    thread_posted,
)
from distribution.domain.channels import FacebookConfig
from distribution.domain.outcomes import Outcome, Success, TransientFailure
from distribution.domain.social import Post
from distribution.domain.social.links import find_links

API_URL = "https://graph.facebook.com"
API_VERSION = "v23.0"
# Graph reports throttling as HTTP 400 with these error codes (API, app, user, page, action
# limits), and code 2 as a temporary outage: both are worth retrying.
_TRANSIENT_ERROR_CODES = frozenset({1, 2, 4, 17, 32, 341, 613})
_THROTTLED_WAIT = timedelta(minutes=15)
_DUPLICATE_CODE = 506  # "Duplicate status message"
_OBJECT_MISSING_CODE = 100  # deleting a post already gone answers this
MAX_IMAGE_BYTES = 4 * 1024 * 1024  # Graph: page photos under 4 MB
DUPLICATE_LOOKBACK = timedelta(days=1)  # a repeat refused without a known first attempt
RECENT_POSTS = 100


def error_detail(body: Any) -> str | None:
    """Graph errors: ``{"error": {"message", "type", "code"}}``."""
    return text_field(body, "error", "message")


class FacebookAdapter:
    """``base_url``/``api_version``: Graph's (the channel config has none)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        base_url: str = API_URL,
        api_version: str = API_VERSION,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._base_url = base_url.rstrip("/")
        self._version = api_version

    async def publish(
        self,
        config: FacebookConfig,
        posts: Sequence[Post],
        idempotency_key: str,
        *,
        since: datetime | None = None,
    ) -> Outcome:
        """Pages have no threads: the first post only (compose makes one for Facebook)."""
        if not posts:
            raise ValueError("publish needs at least one post")
        try:
            found = await self._landed(config, posts[0], since) if since else None
            post_id = found or await self._post(config, posts[0], since)
        except OutcomeError as error:
            return error.outcome
        return thread_posted([post_id], f"https://www.facebook.com/{post_id}")

    async def delete(self, config: FacebookConfig, remote_id: str) -> Outcome:
        try:
            await self._send(config, "DELETE", f"/{remote_id}")
        except OutcomeError as error:
            if _graph_code(error) != _OBJECT_MISSING_CODE:
                return error.outcome
        return Success(remote_id)

    async def _post(self, config: FacebookConfig, post: Post, since: datetime | None) -> str:
        try:
            if post.image is not None:
                return await self._post_photo(config, post)
            form = {"message": post.text}
            links = find_links(post.text)
            if links:  # the release's page: Facebook shows it as the post's link preview
                form["link"] = post.text[links[-1].start : links[-1].end]
            response = await self._send(config, "POST", f"/{config.page_id}/feed", data=form)
        except OutcomeError as error:
            if _graph_code(error) != _DUPLICATE_CODE:
                raise creation_failure(error) from None
            # Already posted (by an attempt whose answer we lost): find it.
            found = await self._landed(
                config, post, since or datetime.now(UTC) - DUPLICATE_LOOKBACK
            )
            if found is None:
                raise
            return found
        return required_text(response.json(), "the post id", "id")

    async def _post_photo(self, config: FacebookConfig, post: Post) -> str:
        """A photo post; its feed post's id (``post_id``) is the one we keep and delete."""
        assert post.image is not None  # the caller checked
        image = await download_image(
            self._client,
            post.image.url,
            max_bytes=MAX_IMAGE_BYTES,
            http_timeout=self._timeout,
            allow_insecure=config.allow_insecure_url,
        )
        response = await self._send(
            config,
            "POST",
            f"/{config.page_id}/photos",
            files={"source": (image.filename, image.content, image.content_type)},
            data={"caption": post.text},
        )
        return required_text(response.json(), "the photo's post id", "post_id")

    async def _landed(self, config: FacebookConfig, post: Post, since: datetime) -> str | None:
        """Our post's id if the page's recent posts hold its exact message."""
        start = since - CLOCK_SKEW
        params = {
            "fields": "id,message,created_time",
            "since": str(int(start.timestamp())),
            "limit": str(RECENT_POSTS),
        }
        response = await self._send(config, "GET", f"/{config.page_id}/feed", params=params)
        found = [
            FoundPost(item["id"], item["message"], datetime.fromisoformat(item["created_time"]))
            for item in json_field(response.json(), "data") or []
            if isinstance(item, dict)
            and all(isinstance(item.get(k), str) for k in ("id", "message", "created_time"))
        ]
        ids = landed([post.text], found, start)
        return ids[0] if ids else None

    async def _send(
        self, config: FacebookConfig, method: str, path: str, **request: Any
    ) -> httpx.Response:
        base = await check_destination(self._base_url, allow_insecure=config.allow_insecure_url)
        token = config.page_access_token.get_secret_value()
        try:
            return await send(
                self._client,
                method,
                f"{base.rstrip('/')}/{self._version}{path}",
                error_detail=error_detail,
                http_timeout=self._timeout,
                allow_insecure=config.allow_insecure_url,
                headers={"Authorization": f"Bearer {token}"},
                **request,
            )
        except OutcomeError as error:
            raise _throttling(error) or error from None


def _graph_code(error: OutcomeError) -> Any:
    """Graph's error code of a failed request's answer (None: no answer, or not Graph's)."""
    if error.response is None:
        return None
    try:
        return json_field(error.response.json(), "error", "code")
    except ValueError:
        return None


def _throttling(error: OutcomeError) -> OutcomeError | None:
    """A transient failure when Graph's 400 is a rate limit or outage in disguise."""
    if error.response is None or error.response.status_code != 400:
        return None
    try:
        code = json_field(error.response.json(), "error", "code")
    except ValueError:
        return None
    if code not in _TRANSIENT_ERROR_CODES:
        return None
    return OutcomeError(TransientFailure(error.outcome.reason, _THROTTLED_WAIT), error.response)
