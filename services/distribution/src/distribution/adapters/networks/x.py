"""X: posts with the API v2 (``POST /2/tweets``, ``DELETE /2/tweets/:id``), user context.

X has no idempotency header or key: a retry after a lost answer would post again. What prevents
repeats is the delivery record (its status is checked before every attempt); a thread cut short
by a failure is posted again from its first post on the next attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from distribution.adapters.networks.http import (
    DEFAULT_TIMEOUT,
    OutcomeError,
    check_destination,
    required_text,
    send,
    text_field,
)
from distribution.domain.channels import XConfig
from distribution.domain.outcomes import Outcome, Success
from distribution.domain.social import Post

API_URL = "https://api.x.com"


def error_detail(body: Any) -> str | None:
    """X errors: problem details ``{"title", "detail"}`` or ``{"errors": [{"message"}]}``."""
    return (
        text_field(body, "detail")
        or text_field(body, "errors", 0, "message")
        or text_field(body, "title")
    )


class XAdapter:
    """``base_url``: the API's (the channel config has none: every account posts to one API)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        base_url: str = API_URL,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._base_url = base_url.rstrip("/")

    async def publish(
        self, config: XConfig, posts: Sequence[Post], idempotency_key: str
    ) -> Outcome:
        """``idempotency_key`` is unused: X cannot deduplicate (see the module's docstring)."""
        try:
            return await self._publish(config, posts)
        except OutcomeError as error:
            return error.outcome

    async def delete(self, config: XConfig, remote_id: str) -> Outcome:
        try:
            await self._send(config, "DELETE", f"/2/tweets/{remote_id}")
        except OutcomeError as error:
            return error.outcome
        return Success(remote_id)

    async def _publish(self, config: XConfig, posts: Sequence[Post]) -> Outcome:
        first: Success | None = None
        previous_id: str | None = None
        for post in posts:
            body: dict[str, Any] = {"text": post.text}
            if previous_id is not None:
                body["reply"] = {"in_reply_to_tweet_id": previous_id}
            response = await self._send(config, "POST", "/2/tweets", json=body)
            previous_id = required_text(response.json(), "the post id", "data", "id")
            if first is None:
                first = Success(previous_id, f"https://x.com/{config.account}/status/{previous_id}")
        if first is None:
            raise ValueError("publish needs at least one post")
        return first

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
            headers={"Authorization": f"Bearer {config.access_token.get_secret_value()}"},
            **request,
        )
