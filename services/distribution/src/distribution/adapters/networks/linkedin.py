"""LinkedIn: organisation posts with the versioned Posts API (``POST /rest/posts``).

The post's URN comes back in the ``x-restli-id`` header. The commentary is "little text": its
reserved characters are escaped and hashtags written as LinkedIn's hashtag template, else
LinkedIn cuts the text at the first one.

LinkedIn has no idempotency key. A delivery whose earlier attempt may have posted (``since``)
first reads the organisation's recent posts (``GET /rest/posts?author=...&q=author``) and takes
the one with our exact commentary; LinkedIn's own refusal of a repeat (422 naming the existing
post's URN) means "already posted" too. Images: the Images API (``initializeUpload``, then the
bytes PUT to the upload URL it returns), attached as ``content.media``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import regex

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
from distribution.domain.channels import LinkedInConfig
from distribution.domain.outcomes import Outcome, Success, TransientFailure
from distribution.domain.social import Post
from distribution.domain.social.compose import PART_SEPARATOR
from distribution.domain.social.links import find_links

API_URL = "https://api.linkedin.com"
# Versions are YYYYMM and each is served for about a year: move it forward with the API.
API_VERSION = "202510"
RESTLI_PROTOCOL_VERSION = "2.0.0"
# "Little text" reserved characters (Posts API, commentary): escaped with a backslash.
_RESERVED = regex.compile(r"[\\|{}@\[\]()<>#*_~]")
_HASHTAG = regex.compile(r"(?<!\S)#([\p{L}\p{M}\p{N}_]+)")
# A repeat is refused with 422 and a message naming the post it repeats.
_DUPLICATE_OF = regex.compile(r"urn:li:(?:share|ugcPost):\d+")
# LinkedIn documents a limit in pixels (36,152,320); this caps what we download.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
DUPLICATE_LOOKBACK = timedelta(days=1)  # a repeat refused without a known first attempt
RECENT_POSTS = 50


def error_detail(body: Any) -> str | None:
    """LinkedIn errors: ``{"message", "status", "serviceErrorCode"?}``."""
    return text_field(body, "message")


def escape_little_text(text: str) -> str:
    """``text`` as commentary: hashtags as ``{hashtag|\\#|name}``, every other reserved character
    escaped, links included (LinkedIn unescapes before it finds links)."""
    pieces, position = [], 0
    for match in _HASHTAG.finditer(text):
        pieces.append(_RESERVED.sub(r"\\\g<0>", text[position : match.start()]))
        name = _RESERVED.sub(r"\\\g<0>", match.group(1))
        pieces.append(f"{{hashtag|\\#|{name}}}")
        position = match.end()
    pieces.append(_RESERVED.sub(r"\\\g<0>", text[position:]))
    return "".join(pieces)


def article_for(text: str) -> dict[str, str] | None:
    """The release's link as an article card: its title and lead are the post's first two
    paragraphs (as composed) unless a paragraph is the link itself."""
    links = find_links(text)
    if not links:
        return None
    url = text[links[-1].start : links[-1].end]
    paragraphs = [p for p in text.split(PART_SEPARATOR) if url not in p]
    article = {"source": url, "title": paragraphs[0] if paragraphs else url}
    if len(paragraphs) > 1 and not paragraphs[1].startswith("#"):
        article["description"] = paragraphs[1]
    return article


class LinkedInAdapter:
    """``base_url``/``api_version``: the API's (the channel config has none)."""

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
        config: LinkedInConfig,
        posts: Sequence[Post],
        idempotency_key: str,
        *,
        since: datetime | None = None,
    ) -> Outcome:
        """No threads on LinkedIn: the first post only (compose makes one for LinkedIn)."""
        if not posts:
            raise ValueError("publish needs at least one post")
        try:
            found = await self._landed(config, posts[0], since) if since else None
            urn = found or await self._post(config, posts[0], since)
        except OutcomeError as error:
            return error.outcome
        return thread_posted([urn], f"https://www.linkedin.com/feed/update/{urn}/")

    async def delete(self, config: LinkedInConfig, remote_id: str) -> Outcome:
        try:
            await self._send(config, "DELETE", f"/rest/posts/{quote(remote_id, safe='')}")
        except OutcomeError as error:
            if error.response is None or error.response.status_code != 404:
                return error.outcome
        return Success(remote_id)

    async def _post(self, config: LinkedInConfig, post: Post, since: datetime | None) -> str:
        media = await self._upload_image(config, post) if post.image is not None else None
        try:
            response = await self._send(
                config, "POST", "/rest/posts", json=_body(config, post, media)
            )
        except OutcomeError as error:
            if not _is_duplicate(error):
                raise creation_failure(error) from None
            # Already posted (by an attempt whose answer we lost): the answer names it.
            duplicate_of = _DUPLICATE_OF.search(error.outcome.reason)
            if duplicate_of is not None:
                return str(duplicate_of.group(0))
            window = since or datetime.now(UTC) - DUPLICATE_LOOKBACK
            found = await self._landed(config, post, window)
            if found is None:
                raise
            return found
        urn: str | None = response.headers.get("x-restli-id")
        if not urn:
            raise OutcomeError(TransientFailure("LinkedIn answered without the post's x-restli-id"))
        return urn

    async def _landed(self, config: LinkedInConfig, post: Post, since: datetime) -> str | None:
        """Our post's URN if the organisation's recent posts hold its exact commentary."""
        author = quote(config.organization_urn, safe="")
        response = await self._send(
            config, "GET", f"/rest/posts?author={author}&q=author&count={RECENT_POSTS}"
        )
        commentary = escape_little_text(post.text)
        found = [
            FoundPost(element["id"], element["commentary"], _from_millis(element["createdAt"]))
            for element in json_field(response.json(), "elements") or []
            if isinstance(element, dict)
            and isinstance(element.get("id"), str)
            and isinstance(element.get("commentary"), str)
            and isinstance(element.get("createdAt"), int)
        ]
        ids = landed([commentary], found, since - CLOCK_SKEW)
        return ids[0] if ids else None

    async def _upload_image(self, config: LinkedInConfig, post: Post) -> dict[str, str]:
        """``content.media`` of the post: the image uploaded with the Images API."""
        assert post.image is not None  # the caller checked
        image = await download_image(
            self._client,
            post.image.url,
            max_bytes=MAX_IMAGE_BYTES,
            http_timeout=self._timeout,
            allow_insecure=config.allow_insecure_url,
        )
        request = {"initializeUploadRequest": {"owner": config.organization_urn}}
        response = await self._send(
            config, "POST", "/rest/images?action=initializeUpload", json=request
        )
        answer = response.json()
        upload_url = required_text(answer, "the upload URL", "value", "uploadUrl")
        urn = required_text(answer, "the image URN", "value", "image")
        # The upload URL is LinkedIn's to choose: checked like any destination.
        destination = await check_destination(upload_url, allow_insecure=config.allow_insecure_url)
        await send(
            self._client,
            "PUT",
            destination,
            error_detail=error_detail,
            http_timeout=self._timeout,
            allow_insecure=config.allow_insecure_url,
            headers={
                "Authorization": f"Bearer {config.access_token.get_secret_value()}",
                "Content-Type": image.content_type,
            },
            content=image.content,
        )
        media = {"id": urn}
        if post.image.alt:
            media["altText"] = post.image.alt
        return media

    async def _send(
        self, config: LinkedInConfig, method: str, path: str, **request: Any
    ) -> httpx.Response:
        base = await check_destination(self._base_url, allow_insecure=config.allow_insecure_url)
        headers = {
            "Authorization": f"Bearer {config.access_token.get_secret_value()}",
            "LinkedIn-Version": self._version,
            "X-Restli-Protocol-Version": RESTLI_PROTOCOL_VERSION,
        }
        return await send(
            self._client,
            method,
            base.rstrip("/") + path,
            error_detail=error_detail,
            http_timeout=self._timeout,
            allow_insecure=config.allow_insecure_url,
            headers=headers,
            **request,
        )


def _is_duplicate(error: OutcomeError) -> bool:
    response = error.response
    return (
        response is not None
        and response.status_code == 422
        and "duplicate" in error.outcome.reason.lower()
    )


def _from_millis(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, UTC)


def _body(config: LinkedInConfig, post: Post, media: dict[str, str] | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "author": config.organization_urn,
        "commentary": escape_little_text(post.text),
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    # One kind of content per post: the image when there is one (the link stays in the text),
    # else the release's link as an article card.
    article = article_for(post.text)
    if media is not None:
        body["content"] = {"media": media}
    elif article is not None:
        body["content"] = {"article": article}
    return body
