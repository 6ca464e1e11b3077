"""In-memory fakes of the service ports, so use cases run without I/O (cosmicpython style).

Each fake keeps its rows per tenant exactly as the Mongo repositories do, and copies on the way
in and out (domain objects are frozen, so sharing is safe; dicts inside are copied).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pytest

# Tests run with --import-mode=importlib (no sys.path changes): make tests/xss_corpus importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from comments.domain.batch import Author, TextPlace, TextProbe
from comments.domain.comment import Comment, Status
from comments.domain.errors import RefusedWriteError, TokenError
from comments.domain.mail import Mail
from comments.domain.moderation import AuditEntry, Ban
from comments.domain.newsrooms import KnownNewsroom
from comments.domain.releases import KnownRelease
from comments.domain.settings import CommentSettings
from comments.service.ports import (
    AuthorClaim,
    Deps,
    Order,
    Position,
    QueueFilter,
    VerificationRules,
)
from newsroom_shared.events.base import Event
from newsroom_testing.clock import FakeClock


@dataclass
class Store:
    releases: dict[tuple[str, str], KnownRelease] = field(default_factory=dict)
    newsrooms: dict[tuple[str, str], KnownNewsroom] = field(default_factory=dict)
    settings: dict[tuple[str, str], CommentSettings] = field(default_factory=dict)
    comments: dict[tuple[str, str], Comment] = field(default_factory=dict)
    reactions: set[tuple[str, str, str, str]] = field(default_factory=set)
    bans: dict[tuple[str, str], Ban] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    outbox: list[Event] = field(default_factory=list)
    mails: list[Mail] = field(default_factory=list)
    verified: dict[tuple[str, str, str], datetime] = field(default_factory=dict)
    refused_names: set[str] = field(default_factory=set)
    """Authors whose comments the fake database refuses to store (as a unique key would)."""
    writes: list[str] = field(default_factory=list)
    """The bulk writes and lookups, in order: ``add_all comments`` and so on."""


def _copy(comment: Comment) -> Comment:
    return replace(comment, reactions=dict(comment.reactions))


class FakeReleases:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def get(self, tenant_id: str, release_id: str) -> KnownRelease | None:
        return self.s.releases.get((tenant_id, release_id))

    async def find_public(self, release_id: str) -> KnownRelease | None:
        found = [r for (_, rid), r in self.s.releases.items() if rid == release_id]
        return found[0] if found else None

    async def put(self, release: KnownRelease) -> None:
        self.s.releases[(release.tenant_id, release.release_id)] = release


class FakeNewsrooms:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def get(self, tenant_id: str, newsroom_id: str) -> KnownNewsroom | None:
        return self.s.newsrooms.get((tenant_id, newsroom_id))

    async def for_visitors(self, tenant_id: str, newsroom_id: str) -> KnownNewsroom | None:
        return await self.get(tenant_id, newsroom_id)

    async def put(self, newsroom: KnownNewsroom) -> None:
        self.s.newsrooms[(newsroom.tenant_id, newsroom.newsroom_id)] = newsroom


class FakeSettings:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def get(self, tenant_id: str, newsroom_id: str) -> CommentSettings | None:
        return self.s.settings.get((tenant_id, newsroom_id))

    async def put(self, settings: CommentSettings) -> None:
        self.s.settings[(settings.tenant_id, settings.newsroom_id)] = settings


class FakeComments:
    def __init__(self, s: Store) -> None:
        self.s = s

    def _of(self, tenant_id: str) -> list[Comment]:
        return [_copy(c) for (t, _), c in self.s.comments.items() if t == tenant_id]

    async def add(self, comment: Comment) -> None:
        assert (comment.tenant_id, comment.id) not in self.s.comments
        self.s.comments[(comment.tenant_id, comment.id)] = _copy(comment)

    async def add_all(self, comments: Sequence[Comment]) -> None:
        self.s.writes.append("add_all comments")
        if any(c.author_name in self.s.refused_names for c in comments):
            raise RefusedWriteError("comments: a unique key")
        for comment in comments:
            await self.add(comment)

    async def get(self, tenant_id: str, comment_id: str) -> Comment | None:
        found = self.s.comments.get((tenant_id, comment_id))
        return None if found is None else _copy(found)

    async def save(self, comment: Comment) -> None:
        assert (comment.tenant_id, comment.id) in self.s.comments
        self.s.comments[(comment.tenant_id, comment.id)] = _copy(comment)

    async def thread(
        self, tenant_id: str, release_id: str, order: Order, after: Position | None, limit: int
    ) -> tuple[list[Comment], list[Comment]]:
        roots = self._roots(tenant_id, release_id, order, after, limit)
        return roots, self._replies(tenant_id, release_id, [root.id for root in roots])

    def _roots(
        self, tenant_id: str, release_id: str, order: Order, after: Position | None, limit: int
    ) -> list[Comment]:
        rows = [
            c
            for c in self._of(tenant_id)
            if c.release_id == release_id and c.place.depth == 0 and c.status is Status.approved
        ]
        rows.sort(key=lambda c: (c.posted_at, c.id), reverse=order is Order.newest)
        if after is not None:
            mark = (after.posted_at, after.comment_id)
            rows = [
                c
                for c in rows
                if (
                    (c.posted_at, c.id) < mark
                    if order is Order.newest
                    else (c.posted_at, c.id) > mark
                )
            ]
        return rows[:limit]

    def _replies(self, tenant_id: str, release_id: str, root_ids: Sequence[str]) -> list[Comment]:
        return [
            c
            for c in self._of(tenant_id)
            if c.release_id == release_id
            and c.place.depth > 0
            and c.root_id in root_ids
            and c.status is Status.approved
        ]

    async def count_visible(self, tenant_id: str, release_id: str) -> int:
        return sum(
            1
            for c in self._of(tenant_id)
            if c.release_id == release_id and c.status is Status.approved
        )

    async def queue(
        self, tenant_id: str, where: QueueFilter, after_id: str | None, limit: int
    ) -> list[Comment]:
        rows = sorted((c for c in self._of(tenant_id) if c.needs_review), key=lambda c: c.id)
        rows = [
            c
            for c in rows
            if (where.newsroom_id is None or c.newsroom_id == where.newsroom_id)
            and (where.release_id is None or c.release_id == where.release_id)
            and (where.status is None or c.status is where.status)
            and (where.reason is None or where.reason in c.hold_reasons)
            and (after_id is None or c.id > after_id)
        ]
        return rows[:limit]

    async def approved_count(
        self, tenant_id: str, newsroom_id: str, email_hash: str, up_to: int
    ) -> int:
        found = sum(
            1
            for c in self._of(tenant_id)
            if c.newsroom_id == newsroom_id
            and c.email_hash == email_hash
            and c.status is Status.approved
        )
        return min(found, up_to)

    async def has_duplicate(
        self,
        tenant_id: str,
        digest: str,
        release_id: str,
        email_hash: str | None,
        *,
        except_id: str | None = None,
    ) -> bool:
        return any(
            c.body.text
            and c.body.digest == digest
            and c.id != except_id
            and (c.release_id == release_id or (email_hash and c.email_hash == email_hash))
            for c in self._of(tenant_id)
        )

    async def approved_counts(self, authors: Sequence[Author]) -> dict[Author, int]:
        self.s.writes.append("approved_counts")
        counts: dict[Author, int] = {}
        for author in authors:
            counts[author] = sum(
                1
                for c in self._of(author.tenant_id)
                if c.newsroom_id == author.newsroom_id
                and c.email_hash == author.email_hash
                and c.status is Status.approved
            )
        return counts

    async def places_of(self, probes: Sequence[TextProbe]) -> list[TextPlace]:
        self.s.writes.append("places_of")
        return [
            TextPlace(c.tenant_id, c.body.digest, c.release_id, c.email_hash)
            for probe in probes
            for c in self._of(probe.tenant_id)
            if c.body.text
            and c.body.digest == probe.digest
            and (
                c.release_id == probe.release_id
                or (probe.email_hash and c.email_hash == probe.email_hash)
            )
        ]


class FakeReactions:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def add(self, tenant_id: str, comment_id: str, reactor: str, kind: str) -> bool:
        key = (tenant_id, comment_id, reactor, kind)
        if key in self.s.reactions:
            return False
        self.s.reactions.add(key)
        return True

    async def remove(self, tenant_id: str, comment_id: str, reactor: str, kind: str) -> bool:
        key = (tenant_id, comment_id, reactor, kind)
        if key not in self.s.reactions:
            return False
        self.s.reactions.discard(key)
        return True


class FakeBans:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def put(self, ban: Ban) -> None:
        self.s.bans[(ban.tenant_id, ban.id)] = ban

    async def remove(self, tenant_id: str, ban_id: str) -> bool:
        return self.s.bans.pop((tenant_id, ban_id), None) is not None

    async def any_of(self, tenant_id: str, ban_ids: Sequence[str]) -> bool:
        return any((tenant_id, b) in self.s.bans for b in ban_ids)

    async def banned_among(self, ids: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        self.s.writes.append("banned_among")
        return {pair for pair in ids if pair in self.s.bans}

    async def page(self, tenant_id: str, after_id: str | None, limit: int) -> list[Ban]:
        rows = sorted(
            (b for (t, _), b in self.s.bans.items() if t == tenant_id), key=lambda b: b.id
        )
        return [b for b in rows if after_id is None or b.id > after_id][:limit]


class FakeAudit:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def add(self, entry: AuditEntry) -> None:
        self.s.audit.append(entry)

    async def add_all(self, entries: Sequence[AuditEntry]) -> None:
        self.s.writes.append("add_all audit")
        self.s.audit.extend(entries)

    async def page(
        self, tenant_id: str, comment_id: str | None, after_id: str | None, limit: int
    ) -> list[AuditEntry]:
        rows = sorted(
            (
                e
                for e in self.s.audit
                if e.tenant_id == tenant_id and (comment_id is None or e.comment_id == comment_id)
            ),
            key=lambda e: e.id,
            reverse=True,
        )
        return [e for e in rows if after_id is None or e.id < after_id][:limit]


class FakeVerifiedAuthors:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def verified(
        self, tenant_id: str, newsroom_id: str, email_hash: str, now: datetime
    ) -> bool:
        until = self.s.verified.get((tenant_id, newsroom_id, email_hash))
        return until is not None and until > now

    async def remember(
        self, tenant_id: str, newsroom_id: str, email_hash: str, until: datetime
    ) -> None:
        self.s.verified[(tenant_id, newsroom_id, email_hash)] = until


class FakeMails:
    """The mail outbox: a mail queued in a block that raised is dropped with it."""

    def __init__(self) -> None:
        self.pending: list[Mail] = []

    async def add(self, mail: Mail) -> None:
        self.pending.append(mail)

    async def add_all(self, mails: Sequence[Mail]) -> None:
        self.pending.extend(mails)


class FakeUnitOfWork:
    """Commits the events it was given at the end of a block that raised nothing."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.releases = FakeReleases(store)
        self.newsrooms = FakeNewsrooms(store)
        self.settings = FakeSettings(store)
        self.comments = FakeComments(store)
        self.reactions = FakeReactions(store)
        self.bans = FakeBans(store)
        self.audit = FakeAudit(store)
        self.mails = FakeMails()
        self.verified_authors = FakeVerifiedAuthors(store)
        self._pending: list[Event] = []
        self.commits = 0

    @property
    def retryable(self) -> bool:
        return True

    def emit(self, event: Event) -> None:
        self._pending.append(event)

    async def __aenter__(self) -> Self:
        self._pending = []
        self.mails.pending = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.commits += 1
            self.store.outbox.extend(self._pending)
            self.store.mails.extend(self.mails.pending)
        self._pending = []
        self.mails.pending = []


class FakeTokens:
    """Tokens as readable strings, with their issue time from the clock; ``kind`` keeps an
    author token from passing as a verification token (the real ones differ by salt)."""

    def __init__(self, clock: FakeClock, kind: str = "author") -> None:
        self.clock = clock
        self.kind = kind

    def issue(self, claim: AuthorClaim) -> str:
        at = self.clock.now().isoformat()
        return f"{self.kind}|{claim.tenant_id}|{claim.release_id}|{claim.comment_id}|{at}"

    def read(self, token: str, max_age_s: int) -> AuthorClaim:
        parts = token.split("|")
        if len(parts) != 5 or parts[0] != self.kind:
            raise TokenError("not valid")
        if self.clock.now() - datetime.fromisoformat(parts[4]) > timedelta(seconds=max_age_s):
            raise TokenError("expired", expired=True)
        return AuthorClaim(parts[1], parts[2], parts[3])


class FakeEmailRate:
    def __init__(self, per_minute: int = 1000) -> None:
        self.per_minute = per_minute
        self.counts: dict[str, int] = {}

    async def take_all(self, keys: Sequence[str]) -> list[float]:
        return [self._take(key) for key in keys]

    def _take(self, key: str) -> float:
        self.counts[key] = self.counts.get(key, 0) + 1
        return 0.0 if self.counts[key] <= self.per_minute else 30.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def uow(store: Store) -> FakeUnitOfWork:
    return FakeUnitOfWork(store)


@pytest.fixture
def deps(clock: FakeClock) -> Deps:
    return Deps(
        clock=clock,
        tokens=FakeTokens(clock),
        digest_key=b"unit-test-key",
        email_rate=FakeEmailRate(),
        edit_window_s=900,
        verification=VerificationRules(FakeTokens(clock, "verify"), window_s=3600),
    )


def known_release(
    tenant: str = "t1", release_id: str = "r1", newsroom_id: str = "n1", **fields: Any
) -> KnownRelease:
    values: dict[str, Any] = {"version": 1, "published_at": datetime(2029, 12, 31, tzinfo=UTC)}
    values.update(fields)
    return KnownRelease(tenant, release_id, newsroom_id, **values)
