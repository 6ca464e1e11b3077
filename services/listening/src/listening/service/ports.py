"""What the use cases need from the outside world, as protocols the adapters implement.

Repositories take the tenant id on every tenant-scoped call. The calls without one say why:
the matcher holds every tenant's queries at once, and an inbound webhook finds its tenant
through its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from listening.domain.comments import KnownComment
from listening.domain.mastodon import MastodonSource, SourceState
from listening.domain.mentions import Mention, Sentiment, SentimentLabel
from listening.domain.queries import ListeningQuery
from listening.domain.releases import KnownRelease
from listening.domain.spikes import Episode, QueryActivity, RecentMention
from listening.domain.webhook_sources import WebhookSource
from listening.service.feed_ports import FeedRepository
from newsroom_shared.clock import Clock
from newsroom_shared.events.base import Event


class QueryRepository(Protocol):
    async def add(self, query: ListeningQuery) -> None: ...
    async def get(self, tenant_id: str, query_id: str) -> ListeningQuery | None: ...
    async def page(
        self, tenant_id: str, *, after_id: str | None, limit: int
    ) -> list[ListeningQuery]: ...
    async def count(self, tenant_id: str) -> int: ...
    async def save(self, query: ListeningQuery) -> None: ...
    async def delete(self, tenant_id: str, query_id: str) -> bool: ...
    async def all_tenants(self) -> list[ListeningQuery]:
        """Across tenants: the matcher matches every tenant's queries at once."""
        ...


class QueryVersion(Protocol):
    """One counter for all queries, raised in the transaction of every change: replicas
    compare it with the one their matcher was built at."""

    async def bump(self) -> None: ...
    async def current(self) -> int: ...


@dataclass(frozen=True, slots=True)
class MentionFilter:
    query_id: str | None = None
    sentiment: SentimentLabel | None = None
    source_kind: str | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    handled: bool | None = None
    assignee: str | None = None
    taken_down: bool = False
    """False (the inbox): only mentions whose comment moderation did not take down; True: only
    those it did."""


@dataclass(frozen=True, slots=True)
class HourCount:
    hour: datetime
    sentiment: SentimentLabel
    count: int


@dataclass(frozen=True, slots=True)
class MentionPosition:
    """Where a page of mentions ends: newest first by detection time, then id."""

    detected_at: datetime
    mention_id: str


class MentionRepository(Protocol):
    async def add(self, mention: Mention) -> bool:
        """False when the tenant already has a mention with this dedupe key."""
        ...

    async def near_copies(
        self, tenant_id: str, signature: Sequence[int], *, since: datetime
    ) -> list[str]:
        """Ids of the tenant's mentions since ``since`` whose text is a near copy."""
        ...

    async def get(self, tenant_id: str, mention_id: str) -> Mention | None: ...
    async def save_triage(self, mention: Mention) -> None:
        """Stores what staff changed: handled, assignee, answered_by."""
        ...

    async def mark_moderated(self, tenant_id: str, post_key: str, mark: str | None) -> int:
        """Marks the mentions of one post (a comment) taken down (``mark``, the decision) or
        visible again (None); returns how many."""
        ...

    async def revise(self, mention: Mention) -> None:
        """Stores what an edit or deletion at the source changed: text, its fingerprint,
        language, queries, terms, sentiment, ``edited_at``, ``withdrawn``, ``moderated``."""
        ...

    async def of_source_item(self, tenant_id: str, source_item: str) -> list[Mention]:
        """The mentions heard as this item of its source (a deletion names only that)."""
        ...

    async def of_post(self, tenant_id: str, post_key: str) -> list[Mention]:
        """The mentions of one post (a comment: one per tenant at most, by its dedupe key)."""
        ...

    async def page(
        self, tenant_id: str, where: MentionFilter, *, after: MentionPosition | None, limit: int
    ) -> list[Mention]: ...
    async def hourly_counts(self, tenant_id: str, where: MentionFilter) -> list[HourCount]: ...


class QueryActivityRepository(Protocol):
    """Per query: hourly mention counters, the newest mentions and the open spike episode (one
    small document each), what spike detection reads."""

    async def record(self, tenant_id: str, query_id: str, mention: RecentMention) -> QueryActivity:
        """Count the mention and answer the query's activity with it counted (one command)."""
        ...

    async def settle(
        self,
        tenant_id: str,
        query_id: str,
        *,
        episode: Episode | None,
        stale_hours: Sequence[datetime],
    ) -> None:
        """Store the episode after an assessment and drop the hours no window reaches."""
        ...

    async def uncount(self, tenant_id: str, query_id: str, mention: RecentMention) -> None:
        """Take a counted mention out of its hour and the newest ones (its comment was taken
        down: it is no talk to watch); one command."""
        ...

    async def get(self, tenant_id: str, query_id: str) -> QueryActivity | None: ...
    async def with_open_episode(self, *, limit: int) -> list[tuple[str, str]]:
        """(tenant id, query id) of queries with an open episode, oldest episode first:
        across tenants, for the sweep that closes calmed episodes."""
        ...

    async def forget(self, tenant_id: str, query_id: str) -> None:
        """The query was deleted."""
        ...


class ReleaseRepository(Protocol):
    """The tenant's published releases, from the publisher's events: what a mention names."""

    async def put(self, release: KnownRelease) -> None: ...
    async def get(self, tenant_id: str, release_id: str) -> KnownRelease | None: ...
    async def by_url_keys(self, tenant_id: str, keys: Sequence[str]) -> list[KnownRelease]: ...


class CommentRepository(Protocol):
    """The tenant's comments, from the comments service's events: their latest status."""

    async def posted(self, comment: KnownComment) -> None:
        """Stores a new comment; one already stored (its moderation came first) stays."""
        ...

    async def moderated(self, comment: KnownComment) -> None:
        """Stores the comment's status from a moderation decision."""
        ...

    async def edited(self, comment: KnownComment) -> None:
        """Stores when its text last changed; the status only for a comment not stored yet."""
        ...

    async def get(self, tenant_id: str, comment_id: str) -> KnownComment | None: ...


class WebhookSourceRepository(Protocol):
    async def add(self, source: WebhookSource) -> None: ...
    async def get(self, tenant_id: str, source_id: str) -> WebhookSource | None: ...
    async def find(self, source_id: str) -> WebhookSource | None:
        """Across tenants: an inbound webhook's URL names only its source."""
        ...

    async def page(
        self, tenant_id: str, *, after_id: str | None, limit: int
    ) -> list[WebhookSource]: ...
    async def delete(self, tenant_id: str, source_id: str) -> bool: ...


class MastodonSourceRepository(Protocol):
    async def add(self, source: MastodonSource) -> None:
        """Raises ``DuplicateError`` when the tenant already follows the same timeline."""
        ...

    async def get(self, tenant_id: str, source_id: str) -> MastodonSource | None: ...
    async def page(
        self, tenant_id: str, *, after_id: str | None, limit: int
    ) -> list[MastodonSource]: ...
    async def delete(self, tenant_id: str, source_id: str) -> bool: ...
    async def all_tenants(self) -> list[tuple[str, str]]:
        """Across tenants: (tenant id, source id) of every source, for the replicas to share
        the connections out."""
        ...

    async def advance(self, tenant_id: str, source_id: str, *, seen: str | None, to: str) -> bool:
        """Moves the source's last status id from ``seen`` to ``to``; False when it is no
        longer ``seen`` (another replica moved it, or the source is gone)."""
        ...

    async def set_state(
        self,
        tenant_id: str,
        source_id: str,
        state: SourceState,
        detail: str | None,
        at: datetime,
    ) -> None: ...


class JetstreamCursorRepository(Protocol):
    """The Bluesky subscription's cursor (the last ``time_us`` recorded): one per deployment."""

    async def current(self) -> int | None: ...
    async def advance(self, *, seen: int | None, to: int) -> bool:
        """Moves it from ``seen`` to ``to``; False when it is no longer ``seen`` (another
        replica holds the subscription now)."""
        ...


class UnitOfWork(Protocol):
    @property
    def queries(self) -> QueryRepository: ...
    @property
    def query_version(self) -> QueryVersion: ...
    @property
    def mentions(self) -> MentionRepository: ...
    @property
    def releases(self) -> ReleaseRepository: ...
    @property
    def query_activity(self) -> QueryActivityRepository: ...
    @property
    def comments(self) -> CommentRepository: ...
    @property
    def webhook_sources(self) -> WebhookSourceRepository: ...
    @property
    def feeds(self) -> FeedRepository: ...
    @property
    def mastodon_sources(self) -> MastodonSourceRepository: ...
    @property
    def jetstream_cursor(self) -> JetstreamCursorRepository: ...

    def emit(self, event: Event) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class LanguageDetector(Protocol):
    def detect(self, text: str) -> str | None:
        """An ISO 639-1 code, or None when the text gives no clear answer."""
        ...


class SentimentAnalyzer(Protocol):
    """One port for every language; a model could fill it later."""

    def score(self, text: str, language: str | None) -> Sentiment: ...


class WebhookSecrets(Protocol):
    """Each webhook source's signing secret, derived from service keys, never stored."""

    def secret(self, source: WebhookSource) -> str: ...
    def verify(
        self, source: WebhookSource, body: bytes, headers: dict[str, str]
    ) -> dict[str, object]:
        """The verified JSON payload; raises ``BadSignatureError`` otherwise."""
        ...


@dataclass(frozen=True, slots=True)
class Deps:
    """Everything use cases need besides the database, wired once in bootstrap."""

    clock: Clock
    language: LanguageDetector
    sentiment: SentimentAnalyzer
    secrets: WebhookSecrets
    near_copy_window_days: int = 7
    max_queries_per_tenant: int = 1000
