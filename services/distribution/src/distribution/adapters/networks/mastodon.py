"""Mastodon: statuses with the REST API (``POST /api/v1/statuses``, ``POST /api/v2/media``).

Mastodon deduplicates on the ``Idempotency-Key`` header (for an hour): each post of a thread sends
the delivery's key plus its index, so a retry after a lost answer gets the same status back, and
a thread half-posted before a failure resumes where it stopped instead of starting over.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
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
from distribution.adapters.networks.images import download_image
from distribution.adapters.networks.reconcile import thread_posted
from distribution.domain.channels import MastodonConfig
from distribution.domain.outcomes import Outcome, Success, TransientFailure
from distribution.domain.social import Post

# Mastodon 4.x accepts images up to 16 MB (instances may set less: they answer 422 then).
MAX_IMAGE_BYTES = 16 * 1024 * 1024
# An image still processing (202) is polled this often, this many times, before giving up.
MEDIA_POLL_INTERVAL_S = 0.5
MEDIA_POLL_ATTEMPTS = 20


def error_detail(body: Any) -> str | None:
    """Mastodon errors: ``{"error": "...", "error_description"?: "..."}``."""
    return text_field(body, "error_description") or text_field(body, "error")


class MastodonAdapter:
    def __init__(self, client: httpx.AsyncClient, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> None:
        self._client = client
        self._timeout = timeout

    async def publish(
        self,
        config: MastodonConfig,
        posts: Sequence[Post],
        idempotency_key: str,
        *,
        since: datetime | None = None,
    ) -> Outcome:
        """``since`` is unused: the ``Idempotency-Key`` already finds an earlier attempt's post."""
        try:
            return await self._publish(config, posts, idempotency_key)
        except OutcomeError as error:
            return error.outcome

    async def delete(self, config: MastodonConfig, remote_id: str) -> Outcome:
        try:
            base = await self._base(config)
            await self._send(config, "DELETE", f"{base}/api/v1/statuses/{remote_id}")
        except OutcomeError as error:
            if error.response is None or error.response.status_code != 404:
                return error.outcome
        return Success(remote_id)

    async def _publish(
        self, config: MastodonConfig, posts: Sequence[Post], idempotency_key: str
    ) -> Outcome:
        base = await self._base(config)
        posted: list[str] = []
        first_url: str | None = None
        for index, post in enumerate(posts):
            media_ids = [await self._upload_image(config, base, post)] if post.image else []
            previous_id = posted[-1] if posted else None
            status = await self._post_status(
                config, base, post, previous_id, media_ids, f"{idempotency_key}-{index}"
            )
            posted.append(required_text(status, "the status id", "id"))
            if index == 0:
                first_url = text_field(status, "url") or text_field(status, "uri")
        return thread_posted(posted, first_url)

    async def _base(self, config: MastodonConfig) -> str:
        url = await check_destination(config.instance_url, allow_insecure=config.allow_insecure_url)
        return url.rstrip("/")

    async def _post_status(
        self,
        config: MastodonConfig,
        base: str,
        post: Post,
        in_reply_to_id: str | None,
        media_ids: list[str],
        key: str,
    ) -> Any:
        body: dict[str, Any] = {
            "status": post.text,
            "visibility": config.visibility,
            "language": post.language,
        }
        if in_reply_to_id is not None:
            body["in_reply_to_id"] = in_reply_to_id
        if media_ids:
            body["media_ids"] = media_ids
        response = await self._send(
            config, "POST", f"{base}/api/v1/statuses", json=body, headers={"Idempotency-Key": key}
        )
        return response.json()

    async def _upload_image(self, config: MastodonConfig, base: str, post: Post) -> str:
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
            f"{base}/api/v2/media",
            files={"file": (image.filename, image.content, image.content_type)},
            data={"description": post.image.alt} if post.image.alt else None,
        )
        media_id = required_text(response.json(), "the media id", "id")
        if response.status_code == 202:  # accepted, still processing: a status cannot use it yet
            await self._wait_for_media(config, base, media_id)
        return media_id

    async def _wait_for_media(self, config: MastodonConfig, base: str, media_id: str) -> None:
        for _ in range(MEDIA_POLL_ATTEMPTS):
            response = await self._send(config, "GET", f"{base}/api/v1/media/{media_id}")
            if response.status_code == 200:  # 206: still processing
                return
            await asyncio.sleep(MEDIA_POLL_INTERVAL_S)
        raise OutcomeError(TransientFailure(f"media {media_id} still processing"))

    async def _send(
        self, config: MastodonConfig, method: str, url: str, **request: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {config.access_token.get_secret_value()}"}
        headers |= request.pop("headers", {})
        return await send(
            self._client,
            method,
            url,
            error_detail=error_detail,
            http_timeout=self._timeout,
            allow_insecure=config.allow_insecure_url,
            headers=headers,
            **request,
        )
