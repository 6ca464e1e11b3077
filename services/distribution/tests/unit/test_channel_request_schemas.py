"""The channel request schemas say what each kind's config checks."""

from __future__ import annotations

from typing import get_args

from distribution.domain.channels import WEBHOOK_EVENT_TYPES
from distribution.entrypoints.http.schemas.channel_kinds import WebhookEventType


def test_webhook_event_types_are_the_domains() -> None:
    assert get_args(WebhookEventType) == WEBHOOK_EVENT_TYPES
