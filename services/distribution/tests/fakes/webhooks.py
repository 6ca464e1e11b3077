"""A webhook receiver that verifies Standard Webhooks signatures with the reference library."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import FakeServer

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
HOOK_PATH = "/hooks/newsroom"


@dataclass(frozen=True)
class Received:
    message_id: str
    payload: Any


class FakeWebhookReceiver(FakeServer):
    """Answers 204 to a request whose signature verifies, 401 otherwise; keeps each verified
    message once per ``webhook-id`` (as a receiver should deduplicate)."""

    def __init__(self, secret: str = SECRET) -> None:
        super().__init__()
        self._webhook = Webhook(secret)
        self._state = threading.Lock()
        self.received: dict[str, Received] = {}
        self.rejected = 0

    @property
    def url(self) -> str:
        return self.base_url + HOOK_PATH

    def reset(self) -> None:
        super().reset()
        with self._state:
            self.received.clear()
            self.rejected = 0

    def routes(self) -> list[Route]:
        return [Route(HOOK_PATH, self._receive, methods=["POST"])]

    async def _receive(self, request: Request) -> Response:
        recorded, failure = await self.admit(request)
        if failure:
            return failure
        try:
            payload = self._webhook.verify(recorded.body, recorded.headers)
        except WebhookVerificationError as error:
            with self._state:
                self.rejected += 1
            return JSONResponse({"error": f"signature check failed: {error}"}, status_code=401)
        message_id = recorded.headers["webhook-id"]
        with self._state:
            self.received.setdefault(message_id, Received(message_id, payload))
        return Response(status_code=204)
