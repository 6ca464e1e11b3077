"""What the use cases need from the outside world, as protocols the adapters implement.

Repositories return domain objects and take the tenant id on every tenant-scoped call. The few
calls without one say so: the worker's and mailer's due work spans tenants by design (one
worker serves them all), and the public subscribe route finds a newsroom by its slug alone.
``bootstrap.py`` wires the MongoDB repositories, the SMTP, network and webhook senders and the
token signer; the service layer's unit tests wire in-memory fakes instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Protocol, TypeVar

from distribution.domain.alerts import AlertRecipients
from distribution.domain.channels import Channel, WebhookConfig
from distribution.domain.confirmations import ConfirmationEmail
from distribution.domain.delivery import Delivery
from distribution.domain.email.wire import PreparedMessage
from distribution.domain.failures import FailedAttempt
from distribution.domain.fanouts import FanOut
from distribution.domain.newsrooms import Newsroom
from distribution.domain.outcomes import Outcome
from distribution.domain.releases import ReleaseFacts
from distribution.domain.social import Post
from distribution.domain.subscribers import Subscriber
from distribution.domain.suppressions import Suppression
from distribution.domain.tokens import TokenPurpose
from newsroom_shared.events.base import Event
from newsroom_shared.events.listening import MentionSpike
from newsroom_shared.events.publisher import ReleaseEmbargoed, ReleasePublished

T = TypeVar("T")


class ChannelRepository(Protocol):
    async def save(self, channel: Channel) -> None: ...
    async def get(self, tenant_id: str, channel_id: str) -> Channel | None: ...
    async def of_ids(self, tenant_id: str, channel_ids: list[str]) -> dict[str, Channel]: ...
    async def serving(self, tenant_id: str, newsroom_id: str) -> list[Channel]:
        """Enabled channels of the newsroom, and those of every newsroom of the tenant."""
        ...

    async def page(
        self,
        tenant_id: str,
        *,
        newsroom_id: str | None,
        kind: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[Channel]:
        """Up to ``limit`` channels in id order after ``after_id``, optionally filtered."""
        ...

    async def delete(self, tenant_id: str, channel_id: str) -> bool: ...
    async def email_channels_of_newsroom(self, tenant_id: str, newsroom_id: str) -> list[Channel]:
        """The enabled email channels naming the tenant's newsroom."""
        ...


class SubscriberRepository(Protocol):
    async def save(self, subscriber: Subscriber) -> None: ...
    async def confirmed_page(
        self, tenant_id: str, newsroom_id: str, *, after: str | None, limit: int
    ) -> list[Subscriber]:
        """Up to ``limit`` confirmed subscribers of the newsroom in id order after ``after``."""
        ...

    async def of_ids(self, tenant_id: str, subscriber_ids: list[str]) -> dict[str, Subscriber]: ...
    async def with_email(self, tenant_id: str, email: str) -> list[Subscriber]: ...
    async def of_newsroom_with_email(
        self, tenant_id: str, newsroom_id: str, email: str
    ) -> Subscriber | None: ...
    async def page(
        self,
        tenant_id: str,
        *,
        newsroom_id: str | None,
        status: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[Subscriber]: ...
    async def flag(
        self, tenant_id: str, email: str, *, bounced: bool, complained: bool
    ) -> None: ...
    async def remove(self, tenant_id: str, subscriber_ids: list[str]) -> None: ...


class DeliveryRepository(Protocol):
    async def add_new(
        self,
        deliveries: Sequence[Delivery],
        *,
        some_may_exist: bool = True,
        claim: tuple[str, str] | None = None,
    ) -> list[Delivery]:
        """Stores the deliveries not stored yet (all of one tenant); returns those. With
        ``claim`` (owner, token) they are stored claimed (``sending``, as planned) under it."""
        ...

    async def get(self, tenant_id: str, delivery_id: str) -> Delivery | None: ...
    async def of_release(self, tenant_id: str, release_id: str) -> list[Delivery]: ...
    async def update_many(self, deliveries: Sequence[Delivery]) -> None: ...
    async def claim_due(
        self, now: datetime, limit: int, *, owner: str, claim: str, lease_until: datetime
    ) -> list[Delivery]:
        """Across tenants: up to ``limit`` due deliveries (pending and due, or sending with
        their lease run out), oldest due first, now ``sending`` under ``claim`` until
        ``lease_until``."""
        ...

    async def count_due(self, now: datetime, *, up_to: int) -> int:
        """Across tenants: pending deliveries due, counted up to ``up_to``."""
        ...

    async def claimed(self, tenant_id: str, delivery_id: str, claim: str) -> Delivery | None: ...
    async def claimed_many(self, claims: Sequence[tuple[str, str, str]]) -> dict[str, Delivery]:
        """Of ``(tenant id, delivery id, claim)``, the deliveries the claims still hold, by id."""
        ...

    async def finish_many(self, finished: Sequence[tuple[Delivery, str]]) -> int:
        """Writes each delivery where its claim still holds and releases the claim; how many
        matched."""
        ...

    async def request_retractions(self, deliveries: Sequence[Delivery], now: datetime) -> None: ...
    async def claim_retractions(
        self, now: datetime, limit: int, *, claim: str, lease_until: datetime
    ) -> list[Delivery]:
        """Across tenants: posts due for deletion, held by ``claim`` until ``lease_until``."""
        ...

    async def finish_retraction(
        self, delivery: Delivery, claim: str, retry_at: datetime | None, error: str | None
    ) -> bool: ...
    async def page_of_release(
        self,
        tenant_id: str,
        release_id: str,
        *,
        channel_id: str | None,
        status: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[Delivery]: ...
    async def counts_of_release(
        self, tenant_id: str, release_id: str
    ) -> dict[tuple[str, str], int]: ...
    async def requeue(self, delivery: Delivery) -> bool:
        """Writes a requeued delivery, only if it is still failed."""
        ...

    async def cancel_pending(
        self,
        tenant_id: str,
        *,
        reason: str,
        now: datetime,
        channel_id: str | None = None,
        recipients: list[str] | None = None,
    ) -> int: ...
    async def to_recipients(self, tenant_id: str, recipients: list[str]) -> list[Delivery]: ...
    async def mark_recipient_erased(self, tenant_id: str, recipient: str, digest: str) -> None: ...


class ReleaseRepository(Protocol):
    async def remember(
        self, event: ReleasePublished | ReleaseEmbargoed, *, newsroom_name: str | None = None
    ) -> ReleaseFacts:
        """Stores the event's facts unless a newer version of the release is stored; returns
        the facts stored now (the later version's, if that was stored)."""
        ...

    async def of_ids(
        self, tenant_id: str, release_ids: list[str]
    ) -> Mapping[str, ReleaseFacts]: ...


class AlertRecipientsRepository(Protocol):
    """One setting per tenant: where its staff alerts go."""

    async def get(self, tenant_id: str) -> AlertRecipients | None: ...
    async def save(self, recipients: AlertRecipients) -> None: ...


class AlertRepository(Protocol):
    """The spikes alerts were planned for: what the worker composes them from."""

    async def remember(self, alert_id: str, spike: MentionSpike) -> None:
        """Stores the spike's data as the alert's facts (again: the same facts)."""
        ...

    async def of_ids(self, tenant_id: str, alert_ids: list[str]) -> Mapping[str, ReleaseFacts]: ...


class NewsroomRepository(Protocol):
    async def get(self, tenant_id: str, newsroom_id: str) -> Newsroom | None: ...
    async def with_slug(self, slug: str) -> Newsroom | None:
        """Across tenants: the public subscribe route knows only the slug."""
        ...

    async def save(self, newsroom: Newsroom) -> None: ...


class SuppressionRepository(Protocol):
    async def add(self, suppression: Suppression) -> None:
        """Adds or updates the entry (the latest reason wins, the first date stays)."""
        ...

    async def get(self, tenant_id: str, email: str) -> Suppression | None: ...
    async def remove(self, tenant_id: str, email: str) -> bool: ...
    async def suppressed(self, tenant_id: str, emails: list[str]) -> set[str]:
        """Which of ``emails`` are on the tenant's list."""
        ...

    async def page(
        self, tenant_id: str, after_email: str | None, limit: int
    ) -> list[Suppression]: ...


class ConfirmationRepository(Protocol):
    async def add(self, confirmation: ConfirmationEmail) -> None: ...
    async def latest(self, tenant_id: str, subscriber_id: str) -> ConfirmationEmail | None: ...
    async def claim_due(
        self, now: datetime, limit: int, *, claim: str, lease_until: datetime
    ) -> list[ConfirmationEmail]:
        """Across tenants: up to ``limit`` due emails, ``sending`` under ``claim``."""
        ...

    async def finish(self, confirmation: ConfirmationEmail, claim: str) -> bool:
        """Writes the attempt's result; False when the claim was lost."""
        ...

    async def of_subscribers(
        self, tenant_id: str, subscriber_ids: list[str]
    ) -> Sequence[Mapping[str, Any]]: ...
    async def remove_of_subscribers(self, tenant_id: str, subscriber_ids: list[str]) -> None: ...


class FailedAttemptRepository(Protocol):
    async def add(self, entries: Sequence[FailedAttempt]) -> None: ...
    async def page(
        self, tenant_id: str, channel_id: str, *, before_id: str | None, limit: int
    ) -> list[tuple[str, FailedAttempt]]:
        """Newest first: (entry id, entry), up to ``limit``, older than ``before_id``."""
        ...


class FanOutRepository(Protocol):
    async def start(self, fan_out: FanOut) -> bool:
        """Stores a new fan-out; False if it exists already."""
        ...

    async def get(self, tenant_id: str, fan_out_id: str) -> FanOut | None: ...
    async def next_open(self) -> FanOut | None:
        """Across tenants: the open fan-out that waited longest for its next page."""
        ...

    async def advance(self, before: FanOut, after: FanOut) -> None:
        """Writes ``after`` if the fan-out is still at ``before``'s page, else raises
        :class:`distribution.domain.fanouts.FanOutMovedError`."""
        ...

    async def close_release(self, tenant_id: str, release_id: str, now: datetime) -> int: ...


class UnitOfWork(Protocol):
    """Repositories over one transaction; events emitted go to the outbox in that transaction
    (a unit of work outside any transaction, for reads and single atomic writes, refuses
    events)."""

    @property
    def channels(self) -> ChannelRepository: ...
    @property
    def subscribers(self) -> SubscriberRepository: ...
    @property
    def deliveries(self) -> DeliveryRepository: ...
    @property
    def releases(self) -> ReleaseRepository: ...
    @property
    def newsrooms(self) -> NewsroomRepository: ...
    @property
    def suppressions(self) -> SuppressionRepository: ...
    @property
    def confirmations(self) -> ConfirmationRepository: ...
    @property
    def failed_attempts(self) -> FailedAttemptRepository: ...
    @property
    def fan_outs(self) -> FanOutRepository: ...
    @property
    def alert_recipients(self) -> AlertRecipientsRepository: ...
    @property
    def alerts(self) -> AlertRepository: ...

    def emit(self, event: Event) -> None: ...

    def on_commit(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` once this unit of work's transaction committed (never if it rolls
        back): for what this process does with committed work at once (the hand-off)."""
        ...


class UnitsOfWork(Protocol):
    """Where units of work come from (``Distribution`` in production)."""

    def reader(self) -> UnitOfWork:
        """Outside any transaction: reads, and writes each atomic on its own (claims)."""
        ...

    async def transact(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """``work`` in one transaction with its events in the outbox, run again on a write
        conflict (so ``work`` must be safe to run twice)."""
        ...


class EmailSender(Protocol):
    async def send(self, message: EmailMessage | PreparedMessage) -> Outcome:
        """Sends one single-recipient message; far-side trouble comes back as an outcome."""
        ...


class SocialNetwork(Protocol):
    """One network's adapter (the channel's config is of that network's kind)."""

    async def publish(
        self, config: Any, posts: Sequence[Post], idempotency_key: str, *, since: datetime | None
    ) -> Outcome:
        """Posts ``posts`` as a thread; a :class:`~distribution.domain.outcomes.Posted` names
        every post made. ``since``: an earlier attempt from then on may have posted."""
        ...

    async def delete(self, config: Any, remote_id: str) -> Outcome:
        """Deletes a post we made; a post already gone counts as deleted."""
        ...


class WebhookDeliverer(Protocol):
    async def deliver(
        self, config: WebhookConfig, payload: Mapping[str, Any], idempotency_key: str
    ) -> Outcome: ...


class TokenIssuer(Protocol):
    def issue(self, purpose: TokenPurpose, payload: Mapping[str, Any]) -> str:
        """A signed, URL-safe token for a subscriber's link."""
        ...
