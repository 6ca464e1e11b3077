"""In-memory fakes of distribution's service ports, so use cases run without I/O.

Repositories honour tenant scoping as the MongoDB ones do (a tenant-scoped call never sees
another tenant's documents) and copy nothing mutable out: domain objects are frozen. The fake
units of work run a transaction by copy (the store is restored when the work raises) and put
the events emitted by committed work in ``store.outbox``; the reader refuses events.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from itertools import count
from typing import Any, TypeVar

import pytest
from pydantic import SecretStr

from distribution.domain.alerts import AlertRecipients
from distribution.domain.channels import (
    Channel,
    EmailConfig,
    MastodonConfig,
    WebhookConfig,
)
from distribution.domain.confirmations import ConfirmationEmail, ConfirmationStatus
from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.domain.email.wire import PreparedMessage
from distribution.domain.failures import FailedAttempt
from distribution.domain.fanouts import FanOut, FanOutMovedError
from distribution.domain.newsrooms import Newsroom
from distribution.domain.outcomes import Outcome, Posted, Success
from distribution.domain.releases import NEWSROOM_NAME, ReleaseFacts
from distribution.domain.social import Post
from distribution.domain.subscribers import Consent, Subscriber, SubscriberStatus
from distribution.domain.suppressions import Suppression
from distribution.domain.tokens import TokenPurpose
from distribution.service.dispatch import Senders
from distribution.service.ports import (
    EmailSender,
    SocialNetwork,
    TokenIssuer,
    UnitOfWork,
    UnitsOfWork,
    WebhookDeliverer,
)
from newsroom_shared.events.base import Event
from newsroom_shared.events.listening import MentionSpike
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished
from newsroom_testing.clock import FakeClock

T = TypeVar("T")
TENANT = "tenant-a"
OTHER_TENANT = "tenant-b"


@dataclass
class Store:
    """Everything the fake database holds."""

    channels: dict[str, Channel] = field(default_factory=dict)
    subscribers: dict[str, Subscriber] = field(default_factory=dict)
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    claims: dict[str, str] = field(default_factory=dict)  # delivery id -> claim token
    retractions_due: dict[str, datetime] = field(default_factory=dict)
    retraction_claims: dict[str, str] = field(default_factory=dict)
    erased: dict[str, str] = field(default_factory=dict)  # delivery id -> recipient digest
    releases: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    newsrooms: dict[tuple[str, str], Newsroom] = field(default_factory=dict)
    suppressions: dict[tuple[str, str], Suppression] = field(default_factory=dict)
    confirmations: dict[str, ConfirmationEmail] = field(default_factory=dict)
    confirmation_claims: dict[str, str] = field(default_factory=dict)
    failed_attempts: list[tuple[str, FailedAttempt]] = field(default_factory=list)
    fan_outs: dict[str, FanOut] = field(default_factory=dict)
    alert_recipients: dict[str, AlertRecipients] = field(default_factory=dict)
    alerts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    outbox: list[Event] = field(default_factory=list)


def _after(rows: list[Any], after_id: str | None, limit: int) -> list[Any]:
    rows = sorted(rows, key=lambda r: r.id)
    return [r for r in rows if after_id is None or r.id > after_id][:limit]


class FakeChannels:
    def __init__(self, store: Store) -> None:
        self.s = store

    def _mine(self, tenant_id: str) -> list[Channel]:
        return [c for c in self.s.channels.values() if c.tenant_id == tenant_id]

    async def save(self, channel: Channel) -> None:
        stored = self.s.channels.get(channel.id)
        assert stored is None or stored.tenant_id == channel.tenant_id, "another tenant's id"
        self.s.channels[channel.id] = channel

    async def get(self, tenant_id: str, channel_id: str) -> Channel | None:
        found = self.s.channels.get(channel_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def of_ids(self, tenant_id: str, channel_ids: list[str]) -> dict[str, Channel]:
        return {c.id: c for c in self._mine(tenant_id) if c.id in channel_ids}

    async def serving(self, tenant_id: str, newsroom_id: str) -> list[Channel]:
        return [
            c for c in self._mine(tenant_id) if c.enabled and c.newsroom_id in (newsroom_id, None)
        ]

    async def page(
        self,
        tenant_id: str,
        *,
        newsroom_id: str | None,
        kind: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[Channel]:
        rows = [
            c
            for c in self._mine(tenant_id)
            if newsroom_id in (None, c.newsroom_id) and kind in (None, c.kind)
        ]
        return _after(rows, after_id, limit)

    async def delete(self, tenant_id: str, channel_id: str) -> bool:
        if await self.get(tenant_id, channel_id) is None:
            return False
        del self.s.channels[channel_id]
        return True

    async def email_channels_of_newsroom(self, tenant_id: str, newsroom_id: str) -> list[Channel]:
        return [
            c
            for c in self._mine(tenant_id)
            if c.kind == "email" and c.enabled and c.newsroom_id == newsroom_id
        ]


class FakeSubscribers:
    def __init__(self, store: Store) -> None:
        self.s = store

    def _mine(self, tenant_id: str) -> list[Subscriber]:
        return [s for s in self.s.subscribers.values() if s.tenant_id == tenant_id]

    async def save(self, subscriber: Subscriber) -> None:
        stored = self.s.subscribers.get(subscriber.id)
        assert stored is None or stored.tenant_id == subscriber.tenant_id, "another tenant's id"
        self.s.subscribers[subscriber.id] = subscriber

    async def confirmed_page(
        self, tenant_id: str, newsroom_id: str, *, after: str | None, limit: int
    ) -> list[Subscriber]:
        rows = [
            s
            for s in self._mine(tenant_id)
            if s.newsroom_id == newsroom_id and s.status is SubscriberStatus.CONFIRMED
        ]
        return _after(rows, after, limit)

    async def of_ids(self, tenant_id: str, subscriber_ids: list[str]) -> dict[str, Subscriber]:
        return {s.id: s for s in self._mine(tenant_id) if s.id in subscriber_ids}

    async def with_email(self, tenant_id: str, email: str) -> list[Subscriber]:
        return [s for s in self._mine(tenant_id) if s.email == email]

    async def of_newsroom_with_email(
        self, tenant_id: str, newsroom_id: str, email: str
    ) -> Subscriber | None:
        found = [
            s for s in self._mine(tenant_id) if (s.newsroom_id, s.email) == (newsroom_id, email)
        ]
        return found[0] if found else None

    async def page(
        self,
        tenant_id: str,
        *,
        newsroom_id: str | None,
        status: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[Subscriber]:
        rows = [
            s
            for s in self._mine(tenant_id)
            if newsroom_id in (None, s.newsroom_id) and status in (None, str(s.status))
        ]
        return _after(rows, after_id, limit)

    async def flag(self, tenant_id: str, email: str, *, bounced: bool, complained: bool) -> None:
        for s in await self.with_email(tenant_id, email):
            if bounced:
                s = s.mark_bounced()
            if complained:
                s = s.mark_complained()
            self.s.subscribers[s.id] = s

    async def remove(self, tenant_id: str, subscriber_ids: list[str]) -> None:
        for s in self._mine(tenant_id):
            if s.id in subscriber_ids:
                del self.s.subscribers[s.id]


class FakeDeliveries:
    def __init__(self, store: Store) -> None:
        self.s = store

    def _mine(self, tenant_id: str) -> list[Delivery]:
        return [d for d in self.s.deliveries.values() if d.tenant_id == tenant_id]

    async def add_new(
        self,
        deliveries: Sequence[Delivery],
        *,
        some_may_exist: bool = True,
        claim: tuple[str, str] | None = None,
    ) -> list[Delivery]:
        if not deliveries:
            return []
        assert len({d.tenant_id for d in deliveries}) == 1, "deliveries of one tenant at a time"
        new = [d for d in deliveries if d.id not in self.s.deliveries]
        if not some_may_exist and len(new) != len(deliveries):
            raise RuntimeError("duplicate key: a delivery planned twice")
        for d in new:
            self.s.deliveries[d.id] = d
            if claim is not None:
                self.s.claims[d.id] = claim[1]
        return new

    async def get(self, tenant_id: str, delivery_id: str) -> Delivery | None:
        found = self.s.deliveries.get(delivery_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def of_release(self, tenant_id: str, release_id: str) -> list[Delivery]:
        return [d for d in self._mine(tenant_id) if d.release_id == release_id]

    async def update_many(self, deliveries: Sequence[Delivery]) -> None:
        for d in deliveries:
            if await self.get(d.tenant_id, d.id) is not None:
                self.s.deliveries[d.id] = d

    async def claim_due(
        self, now: datetime, limit: int, *, owner: str, claim: str, lease_until: datetime
    ) -> list[Delivery]:
        due = sorted(
            (
                d
                for d in self.s.deliveries.values()
                if d.status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
                and d.next_attempt_at <= now
            ),
            key=lambda d: d.next_attempt_at,
        )[:limit]
        claimed = []
        for d in due:
            after = replace(
                d,
                status=DeliveryStatus.SENDING,
                next_attempt_at=lease_until,
                attempts=d.attempts + 1,
                first_attempt_at=min(d.first_attempt_at or now, now),
                outcome_unknown=d.outcome_unknown or d.status is DeliveryStatus.SENDING,
            )
            self.s.deliveries[d.id] = after
            self.s.claims[d.id] = claim
            claimed.append(after)
        return claimed

    async def count_due(self, now: datetime, *, up_to: int) -> int:
        return min(up_to, sum(1 for d in self.s.deliveries.values() if d.is_due(now)))

    async def claimed(self, tenant_id: str, delivery_id: str, claim: str) -> Delivery | None:
        found = await self.get(tenant_id, delivery_id)
        return found if found is not None and self.s.claims.get(delivery_id) == claim else None

    async def claimed_many(self, claims: Sequence[tuple[str, str, str]]) -> dict[str, Delivery]:
        found = {}
        for tenant_id, delivery_id, claim in claims:
            delivery = await self.claimed(tenant_id, delivery_id, claim)
            if delivery is not None:
                found[delivery_id] = delivery
        return found

    async def finish_many(self, finished: Sequence[tuple[Delivery, str]]) -> int:
        matched = 0
        for d, claim in finished:
            if await self.claimed(d.tenant_id, d.id, claim) is not None:
                self.s.deliveries[d.id] = d
                del self.s.claims[d.id]
                matched += 1
        return matched

    async def request_retractions(self, deliveries: Sequence[Delivery], now: datetime) -> None:
        for d in deliveries:
            if d.retraction_requested_at and d.retracted_at is None:
                self.s.retractions_due[d.id] = now

    async def claim_retractions(
        self, now: datetime, limit: int, *, claim: str, lease_until: datetime
    ) -> list[Delivery]:
        due = [i for i, at in self.s.retractions_due.items() if at <= now][:limit]
        for delivery_id in due:
            self.s.retractions_due[delivery_id] = lease_until
            self.s.retraction_claims[delivery_id] = claim
        return [self.s.deliveries[i] for i in due]

    async def finish_retraction(
        self, delivery: Delivery, claim: str, retry_at: datetime | None, error: str | None
    ) -> bool:
        if self.s.retraction_claims.get(delivery.id) != claim:
            return False
        del self.s.retraction_claims[delivery.id]
        self.s.deliveries[delivery.id] = replace(
            self.s.deliveries[delivery.id], retracted_at=delivery.retracted_at
        )
        if retry_at is None:
            self.s.retractions_due.pop(delivery.id, None)
        else:
            self.s.retractions_due[delivery.id] = retry_at
        return True

    async def page_of_release(
        self,
        tenant_id: str,
        release_id: str,
        *,
        channel_id: str | None,
        status: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[Delivery]:
        rows = [
            d
            for d in await self.of_release(tenant_id, release_id)
            if channel_id in (None, d.channel_id) and status in (None, str(d.status))
        ]
        return _after(rows, after_id, limit)

    async def counts_of_release(
        self, tenant_id: str, release_id: str
    ) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        for d in await self.of_release(tenant_id, release_id):
            key = (d.channel_id, str(d.status))
            counts[key] = counts.get(key, 0) + 1
        return counts

    async def requeue(self, delivery: Delivery) -> bool:
        stored = await self.get(delivery.tenant_id, delivery.id)
        if stored is None or stored.status is not DeliveryStatus.FAILED:
            return False
        self.s.deliveries[delivery.id] = delivery
        self.s.claims.pop(delivery.id, None)
        return True

    async def cancel_pending(
        self,
        tenant_id: str,
        *,
        reason: str,
        now: datetime,
        channel_id: str | None = None,
        recipients: list[str] | None = None,
    ) -> int:
        cancelled = 0
        for d in self._mine(tenant_id):
            if (
                d.status is DeliveryStatus.PENDING
                and channel_id in (None, d.channel_id)
                and (recipients is None or d.recipient in recipients)
            ):
                self.s.deliveries[d.id] = replace(
                    d, status=DeliveryStatus.CANCELLED, last_error=reason, withdrawn_at=now
                )
                cancelled += 1
        return cancelled

    async def to_recipients(self, tenant_id: str, recipients: list[str]) -> list[Delivery]:
        return [d for d in self._mine(tenant_id) if d.recipient in recipients]

    async def mark_recipient_erased(self, tenant_id: str, recipient: str, digest: str) -> None:
        for d in await self.to_recipients(tenant_id, [recipient]):
            self.s.erased[d.id] = digest


class FakeReleases:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def remember(
        self, event: ReleasePublished | ReleaseEmbargoed, *, newsroom_name: str | None = None
    ) -> ReleaseFacts:
        key = (event.tenant_id, event.release_id)
        stored = self.s.releases.get(key)
        if stored is not None and stored["version"] > event.version:
            return stored
        facts = event.model_dump(mode="json") | {"event_type": event.ce_type}
        if newsroom_name is not None:
            facts[NEWSROOM_NAME] = newsroom_name
        elif facts.get(NEWSROOM_NAME) is None:
            facts.pop(NEWSROOM_NAME, None)  # no name known now: the one stored stays
        merged = {**(stored or {}), **facts}  # merged over what is stored, as the adapter does
        self.s.releases[key] = merged
        return merged

    async def of_ids(self, tenant_id: str, release_ids: list[str]) -> Mapping[str, ReleaseFacts]:
        return {
            release_id: facts
            for (tenant, release_id), facts in self.s.releases.items()
            if tenant == tenant_id and release_id in release_ids
        }


class FakeAlertRecipients:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, tenant_id: str) -> AlertRecipients | None:
        return self.s.alert_recipients.get(tenant_id)

    async def save(self, recipients: AlertRecipients) -> None:
        self.s.alert_recipients[recipients.tenant_id] = recipients


class FakeAlerts:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def remember(self, alert_id: str, spike: MentionSpike) -> None:
        facts = spike.model_dump(mode="json") | {"event_type": spike.ce_type}
        self.s.alerts[(spike.tenant_id, alert_id)] = facts

    async def of_ids(self, tenant_id: str, alert_ids: list[str]) -> Mapping[str, ReleaseFacts]:
        return {
            alert: facts
            for (tenant, alert), facts in self.s.alerts.items()
            if tenant == tenant_id and alert in alert_ids
        }


class FakeNewsrooms:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, tenant_id: str, newsroom_id: str) -> Newsroom | None:
        return self.s.newsrooms.get((tenant_id, newsroom_id))

    async def with_slug(self, slug: str) -> Newsroom | None:
        found = [n for n in self.s.newsrooms.values() if n.slug == slug]
        return found[0] if found else None

    async def save(self, newsroom: Newsroom) -> None:
        self.s.newsrooms[(newsroom.tenant_id, newsroom.id)] = newsroom


class FakeSuppressions:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, suppression: Suppression) -> None:
        key = (suppression.tenant_id, suppression.email)
        first = self.s.suppressions.get(key)
        at = suppression.created_at if first is None else first.created_at
        self.s.suppressions[key] = replace(suppression, created_at=at)

    async def get(self, tenant_id: str, email: str) -> Suppression | None:
        return self.s.suppressions.get((tenant_id, email))

    async def remove(self, tenant_id: str, email: str) -> bool:
        return self.s.suppressions.pop((tenant_id, email), None) is not None

    async def suppressed(self, tenant_id: str, emails: list[str]) -> set[str]:
        return {e for e in emails if (tenant_id, e) in self.s.suppressions}

    async def page(self, tenant_id: str, after_email: str | None, limit: int) -> list[Suppression]:
        rows = sorted(
            (s for (t, _), s in self.s.suppressions.items() if t == tenant_id),
            key=lambda s: s.email,
        )
        return [s for s in rows if after_email is None or s.email > after_email][:limit]


class FakeConfirmations:
    def __init__(self, store: Store) -> None:
        self.s = store

    def _mine(self, tenant_id: str) -> list[ConfirmationEmail]:
        return [c for c in self.s.confirmations.values() if c.tenant_id == tenant_id]

    async def add(self, confirmation: ConfirmationEmail) -> None:
        assert confirmation.id not in self.s.confirmations, "duplicate key"
        self.s.confirmations[confirmation.id] = confirmation

    async def latest(self, tenant_id: str, subscriber_id: str) -> ConfirmationEmail | None:
        mine = [c for c in self._mine(tenant_id) if c.subscriber_id == subscriber_id]
        return max(mine, key=lambda c: c.created_at) if mine else None

    async def claim_due(
        self, now: datetime, limit: int, *, claim: str, lease_until: datetime
    ) -> list[ConfirmationEmail]:
        claimable = (ConfirmationStatus.PENDING, ConfirmationStatus.SENDING)
        due = [
            c
            for c in self.s.confirmations.values()
            if c.status in claimable and c.next_attempt_at <= now
        ][:limit]
        claimed = []
        for c in due:
            after = replace(
                c,
                status=ConfirmationStatus.SENDING,
                next_attempt_at=lease_until,
                attempts=c.attempts + 1,
            )
            self.s.confirmations[c.id] = after
            self.s.confirmation_claims[c.id] = claim
            claimed.append(after)
        return claimed

    async def finish(self, confirmation: ConfirmationEmail, claim: str) -> bool:
        if self.s.confirmation_claims.get(confirmation.id) != claim:
            return False
        del self.s.confirmation_claims[confirmation.id]
        self.s.confirmations[confirmation.id] = confirmation
        return True

    async def of_subscribers(
        self, tenant_id: str, subscriber_ids: list[str]
    ) -> Sequence[Mapping[str, Any]]:
        return [
            {
                "newsroom_id": c.newsroom_id,
                "created_at": c.created_at,
                "status": str(c.status),
                "sent_at": c.sent_at,
            }
            for c in self._mine(tenant_id)
            if c.subscriber_id in subscriber_ids
        ]

    async def remove_of_subscribers(self, tenant_id: str, subscriber_ids: list[str]) -> None:
        for c in self._mine(tenant_id):
            if c.subscriber_id in subscriber_ids:
                del self.s.confirmations[c.id]


class FakeFailedAttempts:
    def __init__(self, store: Store) -> None:
        self.s = store
        self._ids = count(1)

    async def add(self, entries: Sequence[FailedAttempt]) -> None:
        self.s.failed_attempts += [(f"{next(self._ids):08d}", e) for e in entries]

    async def page(
        self, tenant_id: str, channel_id: str, *, before_id: str | None, limit: int
    ) -> list[tuple[str, FailedAttempt]]:
        rows = [
            (i, e)
            for i, e in reversed(self.s.failed_attempts)
            if (e.tenant_id, e.channel_id) == (tenant_id, channel_id)
            and (before_id is None or i < before_id)
        ]
        return rows[:limit]


class FakeFanOuts:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def start(self, fan_out: FanOut) -> bool:
        if fan_out.id in self.s.fan_outs:
            return False
        self.s.fan_outs[fan_out.id] = fan_out
        return True

    async def get(self, tenant_id: str, fan_out_id: str) -> FanOut | None:
        found = self.s.fan_outs.get(fan_out_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def next_open(self) -> FanOut | None:
        open_ = [f for f in self.s.fan_outs.values() if not f.done]
        return min(open_, key=lambda f: f.updated_at) if open_ else None

    async def advance(self, before: FanOut, after: FanOut) -> None:
        stored = self.s.fan_outs.get(before.id)
        if stored is None or stored.done or stored.after != before.after:
            raise FanOutMovedError(before.id)
        self.s.fan_outs[before.id] = after

    async def close_release(self, tenant_id: str, release_id: str, now: datetime) -> int:
        closing = [
            f
            for f in self.s.fan_outs.values()
            if (f.tenant_id, f.release_id) == (tenant_id, release_id) and not f.done
        ]
        for f in closing:
            self.s.fan_outs[f.id] = replace(f, done=True, updated_at=now, finished_at=now)
        return len(closing)


class FakeUnitOfWork:
    """The repositories on ``store``; ``emit`` collects events for the transaction's owner."""

    def __init__(self, store: Store, *, transactional: bool) -> None:
        self.store = store
        self._transactional = transactional
        self.pending: list[Event] = []
        self.commit_hooks: list[Callable[[], None]] = []
        self.channels = FakeChannels(store)
        self.subscribers = FakeSubscribers(store)
        self.deliveries = FakeDeliveries(store)
        self.releases = FakeReleases(store)
        self.newsrooms = FakeNewsrooms(store)
        self.suppressions = FakeSuppressions(store)
        self.confirmations = FakeConfirmations(store)
        self.failed_attempts = FakeFailedAttempts(store)
        self.fan_outs = FakeFanOuts(store)
        self.alert_recipients = FakeAlertRecipients(store)
        self.alerts = FakeAlerts(store)

    def emit(self, event: Event) -> None:
        if not self._transactional:
            raise RuntimeError("events need a unit of work inside a transaction")
        self.pending.append(event)

    def on_commit(self, hook: Callable[[], None]) -> None:
        if not self._transactional:
            raise RuntimeError("on_commit needs a unit of work inside a transaction")
        self.commit_hooks.append(hook)


class FakeUnits:
    """Units of work on one store: ``transact`` commits by copy (restored when the work
    raises) and puts the committed work's events in ``store.outbox``."""

    def __init__(self) -> None:
        self.store = Store()
        self.commits = 0

    @property
    def events(self) -> list[Event]:
        return self.store.outbox

    def reader(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, transactional=False)

    async def transact(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        before = copy.deepcopy(self.store)
        uow = FakeUnitOfWork(self.store, transactional=True)
        try:
            result = await work(uow)
        except BaseException:
            self.store.__dict__.update(before.__dict__)
            raise
        self.store.outbox.extend(uow.pending)
        self.commits += 1
        for hook in uow.commit_hooks:
            hook()
        return result


class FakeEmail:
    """Records every message; answers ``outcome`` (a success by default)."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage | PreparedMessage] = []
        self.outcome: Outcome = Success("<sent@test>")

    async def send(self, message: EmailMessage | PreparedMessage) -> Outcome:
        self.sent.append(message)
        return self.outcome


class FakeNetwork:
    def __init__(self) -> None:
        self.posted: list[tuple[Any, list[Post], str]] = []
        self.deleted: list[str] = []
        self.outcome: Outcome | None = None  # None: posted, with one remote id per post

    async def publish(
        self, config: Any, posts: Sequence[Post], idempotency_key: str, *, since: datetime | None
    ) -> Outcome:
        self.posted.append((config, list(posts), idempotency_key))
        if self.outcome is not None:
            return self.outcome
        ids = tuple(f"post-{len(self.posted)}-{i}" for i in range(len(posts)))
        return Posted(ids[0], f"https://social.test/{ids[0]}", remote_ids=ids)

    async def delete(self, config: Any, remote_id: str) -> Outcome:
        self.deleted.append(remote_id)
        return Success(remote_id)


class FakeWebhooks:
    def __init__(self) -> None:
        self.delivered: list[tuple[str, Mapping[str, Any], str]] = []
        self.outcome: Outcome = Success()

    async def deliver(
        self, config: WebhookConfig, payload: Mapping[str, Any], idempotency_key: str
    ) -> Outcome:
        self.delivered.append((str(config.url), payload, idempotency_key))
        return self.outcome


class FakeTokens:
    """Readable, unsigned tokens: ``purpose.tenant.subscriber``."""

    def issue(self, purpose: TokenPurpose, payload: Mapping[str, Any]) -> str:
        return f"{purpose}.{payload['t']}.{payload['s']}"


@dataclass
class FarSides:
    email: FakeEmail
    mastodon: FakeNetwork
    webhooks: FakeWebhooks
    senders: Senders


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def units() -> FakeUnits:
    return FakeUnits()


@pytest.fixture
def far() -> FarSides:
    email, mastodon, webhooks = FakeEmail(), FakeNetwork(), FakeWebhooks()
    senders = Senders(
        networks={"mastodon": mastodon},
        webhooks=webhooks,
        smtp=email,
        tokens=FakeTokens(),
        public_base_url="https://news.test",
    )
    return FarSides(email, mastodon, webhooks, senders)


class Seed:
    """Puts a tenant's newsrooms, channels and subscribers in the store, as earlier use cases
    and the publisher's events would have."""

    def __init__(self, store: Store, clock: FakeClock) -> None:
        self.s = store
        self.clock = clock

    def published(self, tenant: str = TENANT) -> ReleasePublished:
        """The publisher's event for release r1 of newsroom n1, published now."""
        return ReleasePublished(
            tenant_id=tenant,
            release_id="r1",
            newsroom_id="n1",
            newsroom_slug="acme",
            slug="launch",
            title="Launch day",
            lead="Our rocket skates.",
            language="en",
            url="https://news.example/acme/launch",
            version=1,
            published_at=self.clock.now(),
        )

    def newsroom(
        self, tenant: str = TENANT, newsroom_id: str = "n1", slug: str = "acme"
    ) -> Newsroom:
        newsroom = Newsroom(
            tenant_id=tenant,
            id=newsroom_id,
            slug=slug,
            name=f"{slug.title()} Press Room",
            default_language="en",
            version=1,
        )
        self.s.newsrooms[(tenant, newsroom_id)] = newsroom
        return newsroom

    def channel(
        self,
        config: MastodonConfig | EmailConfig | WebhookConfig,
        *,
        tenant: str = TENANT,
        newsroom_id: str | None = "n1",
        channel_id: str | None = None,
        enabled: bool = True,
    ) -> Channel:
        channel = Channel(
            id=channel_id or f"{config.kind}-{tenant}",
            tenant_id=tenant,
            name=f"{config.kind} channel",
            newsroom_id=newsroom_id,
            enabled=enabled,
            config=config,
        )
        self.s.channels[channel.id] = channel
        return channel

    def email_channel(self, tenant: str = TENANT, newsroom_id: str = "n1") -> Channel:
        config = EmailConfig(sender=f"news@{tenant}.example", sender_name="Acme News")
        return self.channel(config, tenant=tenant, newsroom_id=newsroom_id)

    def mastodon_channel(self, tenant: str = TENANT) -> Channel:
        config = MastodonConfig(
            instance_url="https://mastodon.example", access_token=SecretStr("token")
        )
        return self.channel(config, tenant=tenant)

    def subscriber(
        self,
        subscriber_id: str,
        *,
        tenant: str = TENANT,
        newsroom_id: str = "n1",
        email: str | None = None,
        confirmed: bool = True,
    ) -> Subscriber:
        now = self.clock.now()
        subscriber = Subscriber.create(
            subscriber_id=subscriber_id,
            tenant_id=tenant,
            newsroom_id=newsroom_id,
            email=email or f"{subscriber_id}@readers.example",
            consent=Consent(given_at=now, method="double_opt_in"),
            now=now,
        )
        if confirmed:
            subscriber = subscriber.confirm(now)
        self.s.subscribers[subscriber.id] = subscriber
        return subscriber


@pytest.fixture
def seed(units: FakeUnits, clock: FakeClock) -> Seed:
    return Seed(units.store, clock)


def _fakes_offer_the_ports(units: FakeUnits, far: FarSides) -> tuple[UnitsOfWork, UnitOfWork]:
    """Never called: mypy checks here that the fakes offer the ports the use cases need."""
    email: EmailSender = far.email
    network: SocialNetwork = far.mastodon
    webhooks: WebhookDeliverer = far.webhooks
    tokens: TokenIssuer = FakeTokens()
    del email, network, webhooks, tokens
    return units, units.reader()
