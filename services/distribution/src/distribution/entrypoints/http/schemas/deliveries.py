"""Delivery bodies: what went where, when, and how it ended."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from distribution.domain.delivery import Delivery, DeliveryStatus
from newsroom_shared.events.distribution import ChannelKind


class DeliveryOut(BaseModel):
    id: str
    release_id: str
    newsroom_id: str
    channel_id: str
    channel_kind: ChannelKind
    recipient: str = Field(
        description="The account or endpoint origin; for email the address masked "
        "(`j***@example.com`), `(erased)` once erased"
    )
    status: DeliveryStatus
    attempts: int
    under_embargo: bool
    created_at: datetime
    next_attempt_at: datetime | None = Field(
        description="When it is tried again (pending after a failed attempt only; a delivery "
        "waiting for its first attempt is sent as soon as a worker gets to it)"
    )
    sent_at: datetime | None
    remote_id: str | None
    remote_url: str | None
    last_error: str | None
    failed_permanently: bool

    @classmethod
    def of(cls, delivery: Delivery, recipient: str) -> DeliveryOut:
        pending = delivery.status is DeliveryStatus.PENDING
        return cls(
            id=delivery.id,
            release_id=delivery.release_id,
            newsroom_id=delivery.newsroom_id,
            channel_id=delivery.channel_id,
            channel_kind=delivery.channel_kind,
            recipient=recipient,
            status=delivery.status,
            attempts=delivery.attempts,
            under_embargo=delivery.under_embargo,
            created_at=delivery.created_at,
            # Before the first attempt there is no retry to show: it is due at once.
            next_attempt_at=delivery.next_attempt_at if pending and delivery.attempts else None,
            sent_at=delivery.sent_at,
            remote_id=delivery.remote_id,
            remote_url=delivery.remote_url,
            last_error=delivery.last_error,
            failed_permanently=delivery.failed_permanently,
        )


class ChannelCounts(BaseModel):
    channel_id: str
    total: int
    by_status: dict[str, int] = Field(description='Deliveries per status, e.g. {"sent": 12}')


class DeliverySummary(BaseModel):
    release_id: str
    total: int
    channels: list[ChannelCounts]

    @classmethod
    def of(cls, release_id: str, counts: dict[tuple[str, str], int]) -> DeliverySummary:
        per_channel: dict[str, dict[str, int]] = {}
        for (channel_id, status), count in sorted(counts.items()):
            per_channel.setdefault(channel_id, {})[status] = count
        channels = [
            ChannelCounts(channel_id=c, total=sum(s.values()), by_status=s)
            for c, s in per_channel.items()
        ]
        return cls(release_id=release_id, total=sum(counts.values()), channels=channels)
