"""Jetstream, Bluesky's JSON firehose, over a websocket (``websockets``): every new post of the
network, read into :class:`BlueskyPost`.

We ask for posts only (``wantedCollections=app.bsky.feed.post``) and for no compression
(``compress=false``): Jetstream compresses with zstd and a custom dictionary that a client has
to download from the network, which we would rather not depend on at run time. Uncompressed, a
busy network costs more bandwidth, which this one connection per deployment can afford.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from websockets.asyncio.client import connect

from listening.adapters.malformed import skip_malformed
from listening.domain.bluesky import COLLECTION, BlueskyPost, LinkCard

HANDLES_KEPT = 100_000
EXTERNAL_EMBED = "app.bsky.embed.external"
MAX_CARD_TEXT = 2_000


@dataclass(frozen=True, slots=True)
class JetstreamEvent:
    time_us: int
    post: BlueskyPost | None
    """None: an event that is no new post (a like of ours filtered out, a delete, an identity)."""


def subscribe_url(endpoint: str, cursor: int | None) -> str:
    params: dict[str, Any] = {"wantedCollections": COLLECTION, "compress": "false"}
    if cursor is not None:
        params["cursor"] = cursor
    return f"{endpoint.rstrip('/')}/subscribe?{urlencode(params)}"


class Handles:
    """The handles Jetstream's identity events announced, newest kept (commits carry DIDs)."""

    def __init__(self, size: int = HANDLES_KEPT) -> None:
        self._size = size
        self._by_did: OrderedDict[str, str] = OrderedDict()

    def heard(self, did: str, handle: str) -> None:
        self._by_did[did] = handle
        self._by_did.move_to_end(did)
        if len(self._by_did) > self._size:
            self._by_did.popitem(last=False)

    def of(self, did: str) -> str | None:
        return self._by_did.get(did)


def read_event(text: str | bytes, handles: Handles) -> JetstreamEvent | None:
    """The event, or None (skipped and counted) when it is not what Jetstream sends."""
    try:
        data = json.loads(text)
        time_us = int(data["time_us"])
        return JetstreamEvent(time_us, _post(data, handles))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        skip_malformed("bluesky", "jetstream", error)
        return None


def _post(data: dict[str, Any], handles: Handles) -> BlueskyPost | None:
    kind = data.get("kind")
    if kind == "identity" and isinstance(data["identity"].get("handle"), str):
        handles.heard(str(data["did"]), data["identity"]["handle"])
        return None
    commit = data.get("commit") or {}
    if kind != "commit" or commit.get("operation") != "create":
        return None
    if commit.get("collection") != COLLECTION:
        return None
    record = commit["record"]
    text, did, rkey = record["text"], data["did"], commit["rkey"]
    if not all(isinstance(v, str) for v in (text, did, rkey)) or not did.startswith("did:"):
        raise ValueError("a post without text, DID or record key")
    langs = record.get("langs") or []
    return BlueskyPost(
        did=did,
        rkey=rkey,
        time_us=int(data["time_us"]),
        text=text,
        langs=tuple(lang for lang in langs if isinstance(lang, str)),
        created_at=_time(record.get("createdAt")),
        handle=handles.of(did),
        link=_link_card(record.get("embed")),
    )


def _link_card(embed: Any) -> LinkCard | None:
    """The post's link card, if it has a readable one (a broken card leaves the post without
    one: the post itself is fine)."""
    if not isinstance(embed, dict) or embed.get("$type") != EXTERNAL_EMBED:
        return None
    external = embed.get("external")
    if not isinstance(external, dict):
        return None
    uri, title, description = (external.get(k) for k in ("uri", "title", "description"))
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")) or len(uri) > 2000:
        return None
    return LinkCard(
        uri,
        title[:MAX_CARD_TEXT] if isinstance(title, str) else "",
        description[:MAX_CARD_TEXT] if isinstance(description, str) else "",
    )


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class JetstreamClient:
    def __init__(self, endpoint: str, *, open_timeout_s: float = 15.0) -> None:
        self._endpoint = endpoint
        self._open_timeout_s = open_timeout_s
        self._handles = Handles()

    @asynccontextmanager
    async def events(self, cursor: int | None) -> AsyncIterator[AsyncIterator[JetstreamEvent]]:
        """The events from ``cursor`` on (None: live). A dropped connection ends the iterator
        with a ``websockets`` error."""
        url = subscribe_url(self._endpoint, cursor)
        # Posts are small; Jetstream's own messages stay far below a megabyte.
        async with connect(url, open_timeout=self._open_timeout_s, max_size=2**20) as socket:
            yield self._read(socket)

    async def _read(self, socket: Any) -> AsyncIterator[JetstreamEvent]:
        async for message in socket:
            event = read_event(message, self._handles)
            if event is not None:
                yield event
