"""Which sites may frame our pages: only our own origin, except a release's embed card.

A page in another site's invisible frame can be clicked through without the reader knowing
(clickjacking: the subscribe and unsubscribe buttons, a Mastodon share). Every HTML answer of
the app gets ``frame-ancestors 'self'`` (and ``X-Frame-Options: SAMEORIGIN`` for browsers
that predate it), unless it states its own policy, as the embed card does (``embed.py``).
A pure ASGI middleware: it only adds two headers to the response's start.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAME_ORIGIN_ONLY = [
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-frame-options", b"SAMEORIGIN"),
]


def framing_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` with the same-origin framing policy added to an HTML answer that has no
    policy of its own."""
    names = {name.lower(): value for name, value in headers}
    if not names.get(b"content-type", b"").startswith(b"text/html"):
        return headers
    if b"content-security-policy" in names:
        return headers
    return [*headers, *SAME_ORIGIN_ONLY]


class SameOriginFraming:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = framing_headers(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_policy)
