"""Subscriber bodies: the public subscribe request, staff views, the export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from distribution.domain.subscribers import Subscriber, SubscriberStatus
from distribution.entrypoints.http.schemas.common import Email, Model

Language = Annotated[
    str, Field(min_length=2, max_length=35, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
]
Category = Annotated[str, Field(min_length=1, max_length=100)]


class SubscribeIn(Model):
    email: Email
    language: Language | None = Field(
        default=None, description="Releases in this language only (`de` takes `de-AT`); none: any"
    )
    categories: list[Category] = Field(
        default_factory=list, max_length=20, description="Only these categories; empty: all"
    )


class SubscribeAccepted(BaseModel):
    """The same answer whatever the address's state: it tells nobody who subscribed."""

    status: Literal["accepted"] = "accepted"
    message: str = (
        "If this address can subscribe, a confirmation email is on its way: "
        "open its link to confirm"
    )


class Confirmed(BaseModel):
    status: Literal["confirmed"] = "confirmed"


class SubscriberOut(BaseModel):
    id: str
    newsroom_id: str
    email: str
    language: str | None
    categories: list[str]
    status: SubscriberStatus
    journalist: bool
    bounced: bool
    complained: bool
    created_at: datetime
    confirmed_at: datetime | None
    unsubscribed_at: datetime | None

    @classmethod
    def of(cls, subscriber: Subscriber) -> SubscriberOut:
        return cls(
            id=subscriber.id,
            newsroom_id=subscriber.newsroom_id,
            email=subscriber.email,
            language=subscriber.language,
            categories=list(subscriber.categories),
            status=subscriber.status,
            journalist=subscriber.journalist,
            bounced=subscriber.bounced,
            complained=subscriber.complained,
            created_at=subscriber.created_at,
            confirmed_at=subscriber.consent.confirmed_at,
            unsubscribed_at=subscriber.unsubscribed_at,
        )


class SubscriberExport(BaseModel):
    """Everything stored about one address in this tenant (GDPR access and portability)."""

    email: str
    subscriptions: list[dict[str, Any]] = Field(
        description="Per newsroom: preferences, status, consent with its timestamps"
    )
    suppression: dict[str, Any] | None
    confirmation_emails: list[dict[str, Any]]
    deliveries: list[dict[str, Any]]
