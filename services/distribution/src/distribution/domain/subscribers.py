"""Email subscribers of a newsroom: who they are, what they want, and the consent they gave.

::

    pending_confirmation ──confirm──> confirmed ──unsubscribe──> unsubscribed
            └──────────────unsubscribe──────────────────────────────┘
    unsubscribed ──resubscribe──> pending_confirmation   (a fresh double opt-in, not straight back)

Bounces and complaints are flags beside the status: either one stops all mail, whatever the status.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Protocol

from email_validator import EmailNotValidError, validate_email

ConsentMethod = Literal["double_opt_in", "import", "api"]
ANY_LANGUAGE = None


class SubscriberError(Exception):
    """Base of the subscriber rules' violations; the message is fit for the API client."""


class InvalidSubscriberError(SubscriberError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class IllegalSubscriberTransitionError(SubscriberError):
    def __init__(self, action: str, status: str, allowed: list[str]) -> None:
        allowed_text = ", ".join(allowed) or "none"
        super().__init__(
            f"cannot {action} a subscriber in status '{status}'; allowed actions: {allowed_text}"
        )
        self.action = action
        self.status = status


class SubscriberStatus(StrEnum):
    PENDING_CONFIRMATION = "pending_confirmation"
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"


TRANSITIONS: dict[SubscriberStatus, dict[str, SubscriberStatus]] = {
    SubscriberStatus.PENDING_CONFIRMATION: {
        "confirm": SubscriberStatus.CONFIRMED,
        "unsubscribe": SubscriberStatus.UNSUBSCRIBED,
    },
    SubscriberStatus.CONFIRMED: {"unsubscribe": SubscriberStatus.UNSUBSCRIBED},
    SubscriberStatus.UNSUBSCRIBED: {"resubscribe": SubscriberStatus.PENDING_CONFIRMATION},
}


def normalise_email(raw: str) -> str:
    """The address in one canonical form, or :class:`InvalidSubscriberError` saying why not.

    Syntax only (no DNS: subscribing must not wait on, or leak to, a resolver). The whole address
    is lower-cased, local part included: RFC 5321 lets servers treat it case-sensitively, but no
    mainstream provider does, and one person must not hold two subscriptions.
    """
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidSubscriberError("email", str(error)) from error
    return checked.normalized.lower()


def keyed_digest(value: str, key: bytes) -> str:
    """HMAC-SHA-256 hex: identifies an address or IP without storing or publishing it."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Consent:
    """The proof of consent we must be able to show (GDPR art. 7(1)): when, how, from where."""

    given_at: datetime
    method: ConsentMethod
    ip_hash: str | None = None  # keyed digest of the IP: provable, not re-identifiable by us alone
    confirmed_at: datetime | None = None


class ReleaseAudience(Protocol):
    """What a release must tell us to decide who gets it (``ReleaseFacts`` has these)."""

    @property
    def tenant_id(self) -> str: ...
    @property
    def newsroom_id(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def categories(self) -> list[str]: ...


def _labels(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(" ".join(v.split()) for v in values if v.strip()))


@dataclass(frozen=True, slots=True)
class Subscriber:
    id: str
    tenant_id: str
    newsroom_id: str
    email: str
    consent: Consent
    created_at: datetime
    language: str | None = ANY_LANGUAGE
    categories: tuple[str, ...] = ()  # empty: every category
    status: SubscriberStatus = SubscriberStatus.PENDING_CONFIRMATION
    # Invited to embargoed releases: gets the preview email before the lift.
    journalist: bool = False
    bounced: bool = False
    complained: bool = False
    unsubscribed_at: datetime | None = None

    @classmethod
    def create(
        cls,
        *,
        subscriber_id: str,
        tenant_id: str,
        newsroom_id: str,
        email: str,
        consent: Consent,
        now: datetime,
        language: str | None = ANY_LANGUAGE,
        categories: Iterable[str] = (),
        journalist: bool = False,
    ) -> Subscriber:
        return cls(
            id=subscriber_id,
            tenant_id=tenant_id,
            newsroom_id=newsroom_id,
            email=normalise_email(email),
            consent=consent,
            created_at=now,
            language=_language(language),
            categories=_labels(categories),
            journalist=journalist,
        )

    def _to(self, action: str, **changes: Any) -> Subscriber:
        targets = TRANSITIONS[self.status]
        if action not in targets:
            raise IllegalSubscriberTransitionError(action, self.status, list(targets))
        return replace(self, status=targets[action], **changes)

    def confirm(self, now: datetime) -> Subscriber:
        return self._to("confirm", consent=replace(self.consent, confirmed_at=now))

    def unsubscribe(self, now: datetime) -> Subscriber:
        """Idempotent: a second click on the one-click link must not fail."""
        if self.status is SubscriberStatus.UNSUBSCRIBED:
            return self
        return self._to("unsubscribe", unsubscribed_at=now)

    def resubscribe(self, consent: Consent) -> Subscriber:
        """Back to pending with the new consent; the old confirmation does not carry over."""
        return self._to("resubscribe", consent=consent, unsubscribed_at=None)

    def mark_bounced(self) -> Subscriber:
        return replace(self, bounced=True)

    def mark_complained(self) -> Subscriber:
        return replace(self, complained=True)

    def with_preferences(self, *, language: str | None, categories: Iterable[str]) -> Subscriber:
        return replace(self, language=_language(language), categories=_labels(categories))

    @property
    def reachable(self) -> bool:
        return self.status is SubscriberStatus.CONFIRMED and not (self.bounced or self.complained)


def _language(value: str | None) -> str | None:
    if value is None or not value.strip():
        return ANY_LANGUAGE
    return value.strip().lower()


def _primary(language: str) -> str:
    return language.lower().split("-", 1)[0]


def language_matches(wanted: str | None, release_language: str) -> bool:
    """``None`` takes any; "de" takes "de-AT"; "de-AT" takes "de-AT" only (and not "de")."""
    if wanted is None:
        return True
    release = release_language.lower()
    if "-" in wanted:
        return wanted == release
    return wanted == _primary(release)


def matches(subscriber: Subscriber, release: ReleaseAudience) -> bool:
    """Whether ``subscriber`` gets an email about ``release``."""
    if subscriber.tenant_id != release.tenant_id or subscriber.newsroom_id != release.newsroom_id:
        return False
    if not subscriber.reachable:
        return False
    if not language_matches(subscriber.language, release.language):
        return False
    if not subscriber.categories:
        return True
    wanted = {c.casefold() for c in subscriber.categories}
    return any(c.casefold() in wanted for c in release.categories)


def export(subscriber: Subscriber) -> dict[str, object]:
    """Everything we hold about the subscriber (GDPR art. 15 access / art. 20 portability)."""
    consent = subscriber.consent
    return {
        "id": subscriber.id,
        "newsroom_id": subscriber.newsroom_id,
        "email": subscriber.email,
        "language": subscriber.language,
        "categories": list(subscriber.categories),
        "status": str(subscriber.status),
        "journalist": subscriber.journalist,
        "bounced": subscriber.bounced,
        "complained": subscriber.complained,
        "created_at": subscriber.created_at.isoformat(),
        "unsubscribed_at": _iso(subscriber.unsubscribed_at),
        "consent": {
            "given_at": consent.given_at.isoformat(),
            "method": consent.method,
            "ip_hash": consent.ip_hash,
            "confirmed_at": _iso(consent.confirmed_at),
        },
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@dataclass(frozen=True, slots=True)
class ErasedSubscriber:
    """What remains after erasure (GDPR art. 17): no address, no preferences, no consent trail.

    Only a keyed digest of the address stays, on a suppression list, so that a later import of an
    old list cannot mail the person again without a fresh opt-in. Delivery records keep the
    subscriber id, which no longer leads to anyone.
    """

    id: str
    tenant_id: str
    newsroom_id: str
    email_digest: str
    erased_at: datetime


def erase(subscriber: Subscriber, *, digest_key: bytes, now: datetime) -> ErasedSubscriber:
    return ErasedSubscriber(
        id=subscriber.id,
        tenant_id=subscriber.tenant_id,
        newsroom_id=subscriber.newsroom_id,
        email_digest=keyed_digest(subscriber.email, digest_key),
        erased_at=now,
    )
