"""Outbound webhooks: the event's payload as JSON, signed with Standard Webhooks headers.

``webhook-id`` is the delivery's idempotency key, the same on every attempt, so a receiver that
deduplicates on it (as Standard Webhooks asks) sees each event once however often we retry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from distribution.adapters.networks.http import (
    DEFAULT_TIMEOUT,
    OutcomeError,
    check_destination,
    send,
    text_field,
)
from distribution.adapters.signing import webhook_headers
from distribution.domain.channels import WebhookConfig
from distribution.domain.outcomes import Outcome, Success

Clock = Callable[[], datetime]


def _error_detail(body: Any) -> str | None:
    """Receivers answer anything; take a common ``error``/``message`` field when there is one."""
    return text_field(body, "error") or text_field(body, "message") or text_field(body, "detail")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class WebhookSender:
    def __init__(
        self,
        client: httpx.AsyncClient,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        clock: Clock = _utc_now,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._clock = clock

    async def deliver(
        self, config: WebhookConfig, payload: Mapping[str, Any], idempotency_key: str
    ) -> Outcome:
        """POSTs ``payload`` to the hook; any 2xx is success (no remote id: a hook has none)."""
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        secret = config.secret.get_secret_value()
        headers = webhook_headers(secret, idempotency_key, body, self._clock())
        headers["Content-Type"] = "application/json"
        try:
            url = await check_destination(config.url, allow_insecure=config.allow_insecure_url)
            await send(
                self._client,
                "POST",
                url,
                error_detail=_error_detail,
                http_timeout=self._timeout,
                allow_insecure=config.allow_insecure_url,
                content=body.encode(),
                headers=headers,
            )
        except OutcomeError as error:
            return error.outcome
        return Success()
