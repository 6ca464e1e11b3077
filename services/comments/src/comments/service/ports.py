"""What the use cases need from the outside world, as protocols the adapters implement.

Repositories return domain objects and take the tenant id on every call but one: a public
request names a release only, and ``KnownReleaseRepository.find_public`` is how its tenant is
found in the first place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import Protocol, Self

from comments.domain.batch import Author, TextPlace, TextProbe
from comments.domain.comment import Comment, Status
from comments.domain.mail import Attempt, Mail
from comments.domain.moderation import AuditEntry, Ban
from comments.domain.newsrooms import KnownNewsroom
from comments.domain.releases import KnownRelease
from comments.domain.settings import CommentSettings
from newsroom_shared.clock import Clock
from newsroom_shared.events.base import Event


class Order(StrEnum):
    newest = "newest"
    oldest = "oldest"


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page of top-level comments ends: posting time, then id."""

    posted_at: datetime
    comment_id: str


@dataclass(frozen=True, slots=True)
class QueueFilter:
    newsroom_id: str | None = None
    release_id: str | None = None
    status: Status | None = None
    reason: str | None = None


class KnownReleaseRepository(Protocol):
    async def get(self, tenant_id: str, release_id: str) -> KnownRelease | None: ...
    async def find_public(self, release_id: str) -> KnownRelease | None:
        """Across tenants: a visitor names the release only (release ids are global)."""
        ...

    async def put(self, release: KnownRelease) -> None: ...


class NewsroomRepository(Protocol):
    async def get(self, tenant_id: str, newsroom_id: str) -> KnownNewsroom | None: ...
    async def for_visitors(self, tenant_id: str, newsroom_id: str) -> KnownNewsroom | None:
        """As ``get``, possibly seconds old (a short per-process cache): for what a visitor's
        request needs of its newsroom, never for a version comparison."""
        ...

    async def put(self, newsroom: KnownNewsroom) -> None: ...


class SettingsRepository(Protocol):
    async def get(self, tenant_id: str, newsroom_id: str) -> CommentSettings | None: ...
    async def put(self, settings: CommentSettings) -> None: ...


class CommentRepository(Protocol):
    async def add(self, comment: Comment) -> None: ...
    async def add_all(self, comments: Sequence[Comment]) -> None:
        """Store new comments in one write; RefusedWriteError when the database refuses one
        of them (a unique key): then none is stored."""
        ...

    async def get(self, tenant_id: str, comment_id: str) -> Comment | None: ...
    async def save(self, comment: Comment) -> None: ...
    async def thread(
        self, tenant_id: str, release_id: str, order: Order, after: Position | None, limit: int
    ) -> tuple[list[Comment], list[Comment]]:
        """Up to ``limit`` visible top-level comments of the release in ``order``, and the
        visible replies in their threads (one query)."""
        ...

    async def count_visible(self, tenant_id: str, release_id: str) -> int: ...
    async def queue(
        self, tenant_id: str, where: QueueFilter, after_id: str | None, limit: int
    ) -> list[Comment]:
        """Comments waiting for a moderator, oldest first."""
        ...

    async def approved_count(
        self, tenant_id: str, newsroom_id: str, email_hash: str, up_to: int
    ) -> int: ...
    async def has_duplicate(
        self,
        tenant_id: str,
        digest: str,
        release_id: str,
        email_hash: str | None,
        *,
        except_id: str | None = None,
    ) -> bool:
        """The same text already on this release, or from this author anywhere."""
        ...

    async def approved_counts(self, authors: Sequence[Author]) -> dict[Author, int]:
        """Each author's approved comments in their newsroom (one query for all; authors
        with none may be left out)."""
        ...

    async def places_of(self, probes: Sequence[TextProbe]) -> list[TextPlace]:
        """Where stored comments have the probes' texts: on a probe's release or by its
        author, within its tenant (one query for all; may name more places than match)."""
        ...


class ReactionRepository(Protocol):
    async def add(self, tenant_id: str, comment_id: str, reactor: str, kind: str) -> bool:
        """Record a reader's reaction (or report: kind ``report``); False when this reader
        already did the same to this comment."""
        ...

    async def remove(self, tenant_id: str, comment_id: str, reactor: str, kind: str) -> bool:
        """Withdraw a reader's reaction; False when there was none."""
        ...


class BanRepository(Protocol):
    async def put(self, ban: Ban) -> None: ...
    async def remove(self, tenant_id: str, ban_id: str) -> bool: ...
    async def any_of(self, tenant_id: str, ban_ids: Sequence[str]) -> bool: ...
    async def banned_among(self, ids: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (tenant, ban id) pairs are banned (one query for all tenants)."""
        ...

    async def page(self, tenant_id: str, after_id: str | None, limit: int) -> list[Ban]: ...


class AuditRepository(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...
    async def add_all(self, entries: Sequence[AuditEntry]) -> None: ...
    async def page(
        self, tenant_id: str, comment_id: str | None, after_id: str | None, limit: int
    ) -> list[AuditEntry]:
        """Newest first."""
        ...


class VerifiedAuthors(Protocol):
    """Email digests that verified in a newsroom, each until its time."""

    async def verified(
        self, tenant_id: str, newsroom_id: str, email_hash: str, now: datetime
    ) -> bool: ...
    async def remember(
        self, tenant_id: str, newsroom_id: str, email_hash: str, until: datetime
    ) -> None: ...


class MailOutbox(Protocol):
    """Mails to send, written in the transaction of what they are about."""

    async def add(self, mail: Mail) -> None: ...
    async def add_all(self, mails: Sequence[Mail]) -> None: ...


class MailQueue(Protocol):
    """The queued mails as the sender sees them, across tenants (like the event outbox's
    relay): each claimed by one sender at a time, for a lease."""

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Attempt]:
        """Claim up to ``limit`` mails due by ``now`` and not claimed by a live sender."""
        ...

    async def sent(self, attempt: Attempt) -> None:
        """Sent: the mail, and with it the address, is gone."""
        ...

    async def retry_at(self, attempt: Attempt, at: datetime, error: str) -> None: ...
    async def give_up(self, attempt: Attempt, error: str) -> None:
        """Never to be sent: gone too (the log says why)."""
        ...


class MailSender(Protocol):
    async def send(self, mail: Mail) -> None:
        """Hand the mail to the mail server; SendError when it did not take it."""
        ...


class UnitOfWork(Protocol):
    """Repositories over one transaction; events emitted go to the outbox in it.

    ``async with uow:`` opens a transaction and commits it when the block ends without error.
    Write conflicts surface as ConcurrentModificationError; ``retryable`` says whether the caller
    may run the block again (not when the transaction belongs to someone else, e.g. a consumer).
    """

    @property
    def releases(self) -> KnownReleaseRepository: ...
    @property
    def newsrooms(self) -> NewsroomRepository: ...
    @property
    def settings(self) -> SettingsRepository: ...
    @property
    def comments(self) -> CommentRepository: ...
    @property
    def reactions(self) -> ReactionRepository: ...
    @property
    def bans(self) -> BanRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def mails(self) -> MailOutbox: ...
    @property
    def verified_authors(self) -> VerifiedAuthors: ...
    @property
    def retryable(self) -> bool: ...

    def emit(self, event: Event) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class AuthorClaim:
    tenant_id: str
    release_id: str
    comment_id: str


class AuthorTokens(Protocol):
    """The signed token an author edits or deletes their comment with (what they would get
    by email)."""

    def issue(self, claim: AuthorClaim) -> str: ...
    def read(self, token: str, max_age_s: int) -> AuthorClaim:
        """The claim of a valid token; TokenError (``expired`` set when too old) otherwise."""
        ...


class EmailRateLimit(Protocol):
    async def take_all(self, keys: Sequence[str]) -> list[float]:
        """Count one comment for each of ``keys`` (a key may come several times), in order:
        for each, 0.0 when allowed, else the seconds to wait."""
        ...


@dataclass(frozen=True, slots=True)
class VerificationRules:
    """How newsrooms that ask for it verify their commenters' addresses."""

    tokens: AuthorTokens
    """Sign the verification links (their own salt: an author token verifies nothing)."""
    window_s: int = 24 * 3600
    """How long a link works, and how long an unverified comment is kept."""
    remembered_days: int = 180
    """How long a verified address needs no new verification in that newsroom."""


@dataclass(frozen=True, slots=True)
class Deps:
    """Everything use cases need besides the database, wired once in bootstrap."""

    clock: Clock
    tokens: AuthorTokens
    digest_key: bytes
    email_rate: EmailRateLimit
    edit_window_s: int
    public_base_url: str = "http://127.0.0.1:8003"
    """Where the links in mails point (this API's public base, no trailing slash)."""
    verification: VerificationRules | None = None
    """None: no newsroom's comments are verified (benchmarks)."""


@dataclass(frozen=True, slots=True)
class Posted:
    comment: Comment
    token: str
    """Lets the author edit or delete the comment within the edit window; the mail to the
    author carries it too."""


@dataclass(frozen=True, slots=True)
class Visitor:
    """Who posts from the public API: their client's address (digested at once)."""

    client: str


@dataclass(frozen=True, slots=True)
class Staff:
    """A staff caller: the tenant and the key that acts (recorded in the audit log)."""

    tenant_id: str
    key_id: str
