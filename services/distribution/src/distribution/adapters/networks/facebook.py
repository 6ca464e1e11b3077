"""Facebook Pages: posts with the Graph API (``POST /{version}/{page-id}/feed``).

The page access token goes in the ``Authorization`` header, never in the URL, so it cannot end
up in a log line or an error message. Graph has no idempotency key: the delivery record prevents
repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import httpx

from distribution.adapters.networks.http import (
    DEFAULT_TIMEOUT,
    OutcomeError,
    check_destination,
    json_field,
    required_text,
    send,
    text_field,
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
        self, config: FacebookConfig, posts: Sequence[Post], idempotency_key: str
    ) -> Outcome:
        """Pages have no threads: the first post only (compose makes one for Facebook)."""
        if not posts:
            raise ValueError("publish needs at least one post")
        post = posts[0]
        form = {"message": post.text}
        links = find_links(post.text)
        if links:  # the release's page: Facebook shows it as the post's link preview
            form["link"] = post.text[links[-1].start : links[-1].end]
        try:
            response = await self._send(config, "POST", f"/{config.page_id}/feed", data=form)
        except OutcomeError as error:
            return error.outcome
        post_id = required_text(response.json(), "the post id", "id")
        return Success(post_id, f"https://www.facebook.com/{post_id}")

    async def delete(self, config: FacebookConfig, remote_id: str) -> Outcome:
        try:
            await self._send(config, "DELETE", f"/{remote_id}")
        except OutcomeError as error:
            return error.outcome
        return Success(remote_id)

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
                headers={"Authorization": f"Bearer {token}"},
                **request,
            )
        except OutcomeError as error:
            raise _throttling(error) or error from None


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
