"""The Mastodon API as listening uses it: a timeline's stream (server-sent events, read with
``httpx-sse``) and its pages (``min_id``, oldest first).

Every URL is checked against SSRF before each connection (``check_resolved_url``): a tenant typed
the instance's name, and where it resolves may change after it was accepted. Redirects are not
followed (a redirect could lead anywhere; an instance whose streaming lives elsewhere is polled).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from httpx_sse import EventSource, aconnect_sse

from listening.adapters.malformed import skip_malformed
from listening.adapters.mastodon.statuses import read_status, read_status_json
from listening.domain.mastodon import (
    MastodonSource,
    MastodonStatus,
    StatusDeleted,
    StatusEdited,
    TimelineEvent,
)
from listening.service.mastodon_follow import StreamRefusedError
from newsroom_shared.outbound_urls import check_resolved_url

PAGE_SIZE = 40  # the most Mastodon gives per page


def stream_path(source: MastodonSource) -> str:
    base = (
        "/api/v1/streaming/hashtag" if source.timeline == "hashtag" else "/api/v1/streaming/public"
    )
    return base + ("/local" if source.local_only else "")


def timeline_path(source: MastodonSource) -> str:
    if source.timeline == "hashtag":
        return f"/api/v1/timelines/tag/{source.hashtag}"
    return "/api/v1/timelines/public"


class MastodonClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        allow_insecure: bool = False,
        stream_read_timeout_s: float = 90.0,
    ) -> None:
        self._http = http
        self._allow_insecure = allow_insecure
        # Mastodon sends a heartbeat comment every 15 s or so: a longer silence is a dead stream.
        self._stream_timeout = httpx.Timeout(http.timeout.connect, read=stream_read_timeout_s)

    @asynccontextmanager
    async def stream(
        self, source: MastodonSource, token: str | None
    ) -> AsyncIterator[AsyncIterator[TimelineEvent]]:
        """The timeline's new statuses, edits and deletions as they come. Raises
        :class:`StreamRefusedError` when the instance answers 4xx (many want a token for
        streaming) or something that is no event stream; other failures (5xx, a dropped
        connection) raise ``httpx`` errors."""
        url = await self._checked(source, stream_path(source))
        params = {"tag": source.hashtag} if source.hashtag else {}
        async with aconnect_sse(
            self._http,
            "GET",
            url,
            params=params,
            headers=_auth(token),
            timeout=self._stream_timeout,
        ) as events:
            response = events.response
            if 400 <= response.status_code < 500:
                await response.aread()
                raise StreamRefusedError(f"{response.status_code} {_reason(response)}")
            response.raise_for_status()
            content_type = response.headers.get("content-type", "").partition(";")[0].strip()
            if content_type != "text/event-stream":  # a login page, a proxy's: poll instead
                raise StreamRefusedError(f"{response.status_code} but {content_type or 'no'} type")
            yield _updates(events, url)

    async def page_after(
        self, source: MastodonSource, token: str | None, after: str | None
    ) -> list[MastodonStatus]:
        """Up to a page of the statuses right after ``after`` (None: the newest page), oldest
        first."""
        url = await self._checked(source, timeline_path(source))
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if after is not None:
            params["min_id"] = after
        if source.local_only:
            params["local"] = "true"
        response = await self._http.get(url, params=params, headers=_auth(token))
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, list):
            skip_malformed("mastodon", url, ValueError("a timeline page is not a list"))
            return []
        statuses = [s for item in body if (s := read_status(item, url)) is not None]
        return sorted(statuses, key=lambda status: (len(status.id), status.id))

    async def _checked(self, source: MastodonSource, path: str) -> str:
        return await check_resolved_url(
            source.instance_url + path, allow_insecure=self._allow_insecure
        )


async def _updates(events: EventSource, url: str) -> AsyncIterator[TimelineEvent]:
    async for event in events.aiter_sse():
        # Other events (notification, announcement...) say nothing about mentions.
        if event.event == "delete":
            status_id = event.data.strip()
            if status_id:
                yield StatusDeleted(status_id)
            continue
        if event.event not in ("update", "status.update"):
            continue
        status = read_status_json(event.data, url)
        if status is None:
            continue
        if event.event == "update":
            yield status
        elif status.edited_at is not None:
            yield StatusEdited(status)
        else:
            skip_malformed("mastodon", url, ValueError("an edited status without edited_at"))


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    return str(error)[:200] if error else response.reason_phrase
