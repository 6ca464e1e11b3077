"""Inbound webhook secrets per Standard Webhooks (the ``standardwebhooks`` package), derived
rather than stored.

A source's secret is ``whsec_`` + base64(HMAC-SHA256(service key, "<source id>:<generation>")):
nothing secret sits in the database, a new generation gives a source a new secret, and the
service keys (``LISTENING_WEBHOOK_SECRET_KEYS``, newest first) rotate: a delivery verifies
against the secret of every listed key, new sources get the newest key's. The library refuses
a timestamp more than five minutes from now (replays).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from listening.domain.errors import BadSignatureError, InvalidPostError
from listening.domain.webhook_sources import WebhookSource


class DerivedWebhookSecrets:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one key")
        self._keys = [key.encode() for key in keys]

    def secret(self, source: WebhookSource) -> str:
        return _secret(self._keys[0], source)

    def verify(self, source: WebhookSource, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        if not any(_verifies(_secret(key, source), body, headers) for key in self._keys):
            raise BadSignatureError("the webhook signature does not verify (or is too old)")
        try:
            payload = json.loads(body)
        except ValueError:
            raise InvalidPostError("the body is not JSON") from None
        if not isinstance(payload, dict):
            raise InvalidPostError("the body is not a JSON object")
        return payload


def _secret(key: bytes, source: WebhookSource) -> str:
    message = f"{source.id}:{source.secret_generation}".encode()
    return "whsec_" + base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def _verifies(secret: str, body: bytes, headers: dict[str, str]) -> bool:
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    # Malformed headers or body raise other errors inside the library: all mean "no".
    except (WebhookVerificationError, ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return True
