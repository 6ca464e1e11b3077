"""What the feed use cases need from the outside world: the feeds' storage, a fetcher (HTTP)
and a parser (RSS and Atom), as protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from listening.domain.feed_entries import ParsedFeed
from listening.domain.feeds import Feed, FeedPolicy, Validators
from newsroom_shared.clock import Clock


class FeedRepository(Protocol):
    async def add(self, feed: Feed) -> None:
        """Raises ``DuplicateFeedError`` when the tenant has a feed with this URL."""
        ...

    async def get(self, tenant_id: str, feed_id: str) -> Feed | None: ...
    async def page(self, tenant_id: str, *, after_id: str | None, limit: int) -> list[Feed]: ...
    async def count(self, tenant_id: str) -> int: ...
    async def delete(self, tenant_id: str, feed_id: str) -> bool: ...

    async def claim_due(
        self, now: datetime, limit: int, *, claim: str, lease_until: datetime
    ) -> list[Feed]:
        """Across tenants (the poller serves them all): up to ``limit`` feeds due by ``now``,
        now held under ``claim`` until ``lease_until`` (their ``next_poll_at``): no other
        claim takes them before then."""
        ...

    async def release(self, feed: Feed, claim: str) -> bool:
        """Stores the feed's state after a poll, if ``claim`` still holds; False otherwise."""
        ...


@dataclass(frozen=True, slots=True)
class Fetched:
    body: bytes
    validators: Validators


@dataclass(frozen=True, slots=True)
class NotModified:
    pass


@dataclass(frozen=True, slots=True)
class FetchFailed:
    reason: str
    status: int | None = None
    retry_after: str | None = None
    """The ``Retry-After`` header as sent (429, 503)."""


FetchOutcome = Fetched | NotModified | FetchFailed


class FeedFetcher(Protocol):
    async def fetch(self, url: str, validators: Validators) -> FetchOutcome:
        """One conditional GET of ``url`` (redirects followed, each checked against the SSRF
        guard), bounded in time and size; never raises for what the far side does."""
        ...


class FeedParseError(Exception):
    """The body is not an RSS or Atom feed."""


class FeedParser(Protocol):
    def parse(self, body: bytes) -> ParsedFeed:
        """The feed in ``body`` (by its content, whatever the server called it); raises
        :class:`FeedParseError`."""
        ...


@dataclass(frozen=True, slots=True)
class FeedDeps:
    """Everything the feed use cases need besides the database, wired once in bootstrap."""

    clock: Clock
    fetcher: FeedFetcher
    parser: FeedParser
    policy: FeedPolicy
    random: Callable[[], float]
    """Jitter's source, in [0, 1)."""
    allow_insecure_urls: bool = False
    """Tests only: http and internal addresses allowed."""
    max_feeds_per_tenant: int = 100
    claim_batch: int = 10
    claim_lease_s: float = 120.0
