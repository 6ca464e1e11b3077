"""A fake Jetstream on loopback: a real websocket server (``websockets``) that replays its
events from a client's ``cursor`` (``time_us``) and then sends new ones as they are published,
as Jetstream's ``/subscribe`` does. Connections can be dropped; the query of each is kept."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve

DID = "did:plc:fakeauthor0000000000000"


class FakeJetstream:
    def __init__(self) -> None:
        self.url = ""
        self.history: list[tuple[int, str]] = []
        self.requests: list[dict[str, str]] = []
        self._clients: list[asyncio.Queue[str | None]] = []
        self._times = itertools.count(1_900_000_000_000_000, 1_000)
        self._rkeys = itertools.count(1)

    @property
    def open_connections(self) -> int:
        return len(self._clients)

    def post(
        self,
        text: str,
        *,
        langs: tuple[str, ...] = ("en",),
        link: tuple[str, str, str] | None = None,
    ) -> dict[str, Any]:
        """``link``: a link card (uri, title, description)."""
        time_us = next(self._times)
        event = {
            "did": DID,
            "time_us": time_us,
            "kind": "commit",
            "commit": {
                "rev": f"rev{time_us}",
                "operation": "create",
                "collection": "app.bsky.feed.post",
                "rkey": f"3kfake{next(self._rkeys)}",
                "record": {
                    "$type": "app.bsky.feed.post",
                    "createdAt": "2030-01-01T08:00:00.000Z",
                    "langs": list(langs),
                    "text": text,
                    **(_card(*link) if link else {}),
                },
                "cid": f"bafyfake{time_us}",
            },
        }
        self.publish(json.dumps(event), time_us)
        return event

    def publish(self, message: str, time_us: int | None = None) -> None:
        """Sends ``message`` (any text: tests send malformed ones) to every subscriber."""
        self.history.append((time_us if time_us is not None else next(self._times), message))
        for queue in self._clients:
            queue.put_nowait(message)

    def drop(self) -> None:
        """Closes every connection, as a restarting Jetstream would."""
        for queue in self._clients:
            queue.put_nowait(None)

    async def _subscriber(self, connection: ServerConnection) -> None:
        path = connection.request.path if connection.request else "/"
        query = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
        self.requests.append(query)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._clients.append(queue)
        try:
            if "cursor" in query:
                for time_us, message in list(self.history):
                    if time_us >= int(query["cursor"]):
                        await connection.send(message)
            closed = asyncio.ensure_future(connection.wait_closed())
            while True:
                next_message = asyncio.ensure_future(queue.get())
                await asyncio.wait({next_message, closed}, return_when=asyncio.FIRST_COMPLETED)
                message = next_message.result() if next_message.done() else None
                if message is None:  # dropped by the test, or closed by the client
                    next_message.cancel()
                    closed.cancel()
                    return
                await connection.send(message)
        finally:
            self._clients.remove(queue)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[FakeJetstream]:
        async with serve(self._subscriber, "127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            self.url = f"ws://127.0.0.1:{port}"
            try:
                yield self
            finally:
                self.drop()


def _card(uri: str, title: str, description: str) -> dict[str, Any]:
    external = {"uri": uri, "title": title, "description": description}
    return {"embed": {"$type": "app.bsky.embed.external", "external": external}}
