"""LinkedIn: organisation posts with the versioned Posts API (``POST /rest/posts``).

The post's URN comes back in the ``x-restli-id`` header. The commentary is "little text": its
reserved characters are escaped and hashtags written as LinkedIn's hashtag template, else
LinkedIn cuts the text at the first one. LinkedIn has no idempotency key: the delivery record
prevents repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import httpx
import regex

from distribution.adapters.networks.http import (
    DEFAULT_TIMEOUT,
    OutcomeError,
    check_destination,
    send,
    text_field,
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
        self, config: LinkedInConfig, posts: Sequence[Post], idempotency_key: str
    ) -> Outcome:
        """No threads on LinkedIn: the first post only (compose makes one for LinkedIn)."""
        if not posts:
            raise ValueError("publish needs at least one post")
        try:
            response = await self._send(config, "POST", "/rest/posts", json=_body(config, posts[0]))
        except OutcomeError as error:
            return error.outcome
        urn = response.headers.get("x-restli-id")
        if not urn:
            return TransientFailure("LinkedIn answered without the post's x-restli-id")
        return Success(urn, f"https://www.linkedin.com/feed/update/{urn}/")

    async def delete(self, config: LinkedInConfig, remote_id: str) -> Outcome:
        try:
            await self._send(config, "DELETE", f"/rest/posts/{quote(remote_id, safe='')}")
        except OutcomeError as error:
            return error.outcome
        return Success(remote_id)

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
            headers=headers,
            **request,
        )


def _body(config: LinkedInConfig, post: Post) -> dict[str, Any]:
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
    article = article_for(post.text)
    if article is not None:
        body["content"] = {"article": article}
    return body
