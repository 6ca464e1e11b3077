"""Visitors post comments and replies; each accepted one emits ``CommentPosted``.

The text is sanitised first (nothing unsafe is ever stored) and the per-email limit taken
(across tenants: an address flooding several newsrooms is one flood); that is
:func:`submission`, per request. Then comments are accepted in batches (:func:`accept_all`:
one, or those that arrived together, see :mod:`comments.service.intake`), in one transaction:
each release is checked open, the batch's commenters' bans, their texts' earlier places and
their approved comments are read once for the whole batch, the newsroom's rules decide each
comment in the batch's order (a comment sees those before it in the batch as it would see them
stored, :class:`comments.domain.batch.BatchFacts`), and then the comments, the holds' audit
entries, the events (in the outbox) and the mails that give the authors the link to manage
their comments (not for spam: no mail to a bot's address) are written, each kind in one write.

Each comment gets its own answer: stored, or its own refusal (banned, closed, a banned word),
which leaves the others untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from comments.domain.batch import Author, BatchFacts, TextProbe
from comments.domain.comment import Comment, Place, Status, checked_body, checked_name
from comments.domain.errors import (
    ConcurrentModificationError,
    DomainError,
    ForbiddenError,
    RateLimitedError,
    RefusedWriteError,
)
from comments.domain.identity import client_digest, email_digest
from comments.domain.ids import new_id
from comments.domain.mail import Mail, MailKind
from comments.domain.markup import Body, sanitise
from comments.domain.moderation import AuditEntry, BanKind
from comments.domain.releases import KnownRelease
from comments.domain.screening import Facts, checks_duplicates, screen
from comments.domain.settings import CommentSettings, ModerationMode
from comments.service import events, mails, verification
from comments.service.announcing import filter_entry
from comments.service.lookups import open_release, visible_comment
from comments.service.ports import AuthorClaim, Deps, Posted, UnitOfWork, Visitor
from comments.service.transactions import atomically

ANY_TENANT = ""
BANNED = "you may not comment in this newsroom"

Outcome = Posted | Exception
"""A comment's answer: stored, or why not (a DomainError; RefusedWriteError, see
:func:`accept_apart`)."""


@dataclass(frozen=True, slots=True)
class NewComment:
    release_id: str
    author_name: str
    email: str
    text: str
    parent_id: str | None = None
    honeypot: str = ""


@dataclass(frozen=True, slots=True)
class Submission:
    """A new comment ready to be accepted: its name and text checked, its author's per-email
    limit taken."""

    visitor: Visitor
    new: NewComment
    name: str
    body: Body


async def submission(deps: Deps, visitor: Visitor, new: NewComment) -> Submission:
    """What each request does alone, before its comment joins a transaction."""
    name = checked_name(new.author_name)
    body = checked_body(sanitise(new.text))
    wait_s = await deps.email_rate.take(email_digest(deps.digest_key, ANY_TENANT, new.email))
    if wait_s > 0:
        raise RateLimitedError(wait_s)
    return Submission(visitor, new, name, body)


async def post_comment(uow: UnitOfWork, deps: Deps, visitor: Visitor, new: NewComment) -> Posted:
    """One comment on its own: a batch of one."""
    (outcome,) = await accept_all(uow, deps, [await submission(deps, visitor, new)])
    return answer(outcome)


def answer(outcome: Outcome) -> Posted:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


async def accept_all(uow: UnitOfWork, deps: Deps, batch: Sequence[Submission]) -> list[Outcome]:
    """The batch in one transaction, again from scratch after a write conflict; one outcome
    per submission, in order."""
    return await atomically(uow, lambda: _accept(uow, deps, batch))


async def accept_apart(uow: UnitOfWork, deps: Deps, batch: Sequence[Submission]) -> list[Outcome]:
    """As :func:`accept_all`; but when the database refuses a write of the batch (one comment's
    own fault, such as a unique key), the transaction stored nothing, and the batch is
    accepted again in halves, each on its own, so that only the comment at fault is refused."""
    try:
        return await accept_all(uow, deps, batch)
    except RefusedWriteError as refused:
        if len(batch) == 1:
            return [refused]
    half = len(batch) // 2
    return [
        *await accept_apart(uow, deps, batch[:half]),
        *await accept_apart(uow, deps, batch[half:]),
    ]


@dataclass(frozen=True, slots=True)
class _Arrival:
    """A submission whose release takes comments, with what its tenant knows it by."""

    submission: Submission
    release: KnownRelease
    settings: CommentSettings
    email_hash: str
    client_hash: str

    @property
    def tenant_id(self) -> str:
        return self.release.tenant_id

    @property
    def ban_ids(self) -> list[str]:
        return [
            f"{BanKind.email.value}:{self.email_hash}",
            f"{BanKind.client.value}:{self.client_hash}",
        ]

    @property
    def is_bot(self) -> bool:
        return bool(self.submission.new.honeypot.strip())

    @property
    def author(self) -> Author:
        return Author(self.tenant_id, self.release.newsroom_id, self.email_hash)

    @property
    def probe(self) -> TextProbe:
        body = self.submission.body
        return TextProbe(self.tenant_id, body.digest, self.release.release_id, self.email_hash)


@dataclass
class _Writes:
    """What the batch stores, each kind in one write at the end."""

    comments: list[Comment] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    mails: list[Mail] = field(default_factory=list)

    def add(self, comment: Comment, entry: AuditEntry | None, mail: Mail | None) -> None:
        self.comments.append(comment)
        self.audit.extend([entry] if entry else [])
        self.mails.extend([mail] if mail else [])

    async def store(self, uow: UnitOfWork) -> None:
        if self.comments:
            await uow.comments.add_all(self.comments)
        if self.audit:
            await uow.audit.add_all(self.audit)
        if self.mails:
            await uow.mails.add_all(self.mails)


async def _accept(uow: UnitOfWork, deps: Deps, batch: Sequence[Submission]) -> list[Outcome]:
    now = deps.clock.now()
    opened: dict[str, tuple[KnownRelease, CommentSettings] | DomainError] = {}
    arrivals = [await _arrival(uow, deps, item, now, opened) for item in batch]
    facts = await _batch_facts(uow, [a for a in arrivals if isinstance(a, _Arrival)])
    writes = _Writes()
    outcomes: list[Outcome] = []
    for arrival in arrivals:
        if isinstance(arrival, DomainError):
            outcomes.append(arrival)
            continue
        try:
            outcomes.append(await _decide(uow, deps, arrival, facts, writes, now))
        except ConcurrentModificationError:
            raise  # the batch's: it runs again
        except DomainError as refused:  # this comment's own: the others go on
            outcomes.append(refused)
    await writes.store(uow)
    return outcomes


async def _arrival(
    uow: UnitOfWork,
    deps: Deps,
    item: Submission,
    now: datetime,
    opened: dict[str, tuple[KnownRelease, CommentSettings] | DomainError],
) -> _Arrival | DomainError:
    """The submission's release, read once per batch (``opened``), open or not."""
    release_id = item.new.release_id
    if release_id not in opened:
        try:
            opened[release_id] = await open_release(uow, release_id, now)
        except DomainError as refused:
            opened[release_id] = refused
    found = opened[release_id]
    if isinstance(found, DomainError):
        return found
    release, settings = found
    tenant = release.tenant_id
    return _Arrival(
        submission=item,
        release=release,
        settings=settings,
        email_hash=email_digest(deps.digest_key, tenant, item.new.email),
        client_hash=client_digest(deps.digest_key, tenant, item.visitor.client),
    )


async def _place(uow: UnitOfWork, release: KnownRelease, parent_id: str | None) -> Place:
    if parent_id is None:
        return Place()
    parent = await visible_comment(uow, release, parent_id)
    return parent.place_of_reply()


async def _batch_facts(uow: UnitOfWork, arrivals: Sequence[_Arrival]) -> BatchFacts:
    """The batch's lookups, each one query for all its comments (and none it needs not)."""
    ban_ids = [(a.tenant_id, ban_id) for a in arrivals for ban_id in a.ban_ids]
    banned = await uow.bans.banned_among(ban_ids) if ban_ids else set()
    judged = [a for a in arrivals if not a.is_bot]  # a bot: no lookups spent on it
    authors = sorted(
        {a.author for a in judged if a.settings.mode is ModerationMode.pre_until_approved},
        key=lambda author: (author.tenant_id, author.newsroom_id, author.email_hash),
    )
    approved = await uow.comments.approved_counts(authors) if authors else {}
    probes = [a.probe for a in judged if checks_duplicates(a.submission.body)]
    places = await uow.comments.places_of(probes) if probes else []
    return BatchFacts(banned, approved, places)


async def _decide(
    uow: UnitOfWork,
    deps: Deps,
    arrival: _Arrival,
    facts: BatchFacts,
    writes: _Writes,
    now: datetime,
) -> Posted:
    """One comment's decision, as if it were alone after those before it in the batch."""
    if facts.banned(arrival.tenant_id, arrival.ban_ids):
        raise ForbiddenError(BANNED)
    item, settings = arrival.submission, arrival.settings
    place = await _place(uow, arrival.release, item.new.parent_id)
    verdict = screen(item.body, settings, _facts(arrival, facts))
    comment = Comment(
        id=new_id(),
        tenant_id=arrival.tenant_id,
        release_id=arrival.release.release_id,
        newsroom_id=arrival.release.newsroom_id,
        place=place,
        author_name=item.name,
        email=item.new.email.strip(),
        email_hash=arrival.email_hash,
        client_hash=arrival.client_hash,
        body=item.body,
        status=verdict.status,
        posted_at=now,
        hold_reasons=verdict.reasons,
        needs_review=verdict.needs_review,
    )
    rules = await verification.required(uow, deps, settings, comment)
    if rules is not None:
        held = await verification.hold(uow, deps, rules, comment, arrival.release)
        writes.add(held.posted.comment, None, held.mail)
        facts.remember(held.posted.comment)
        return held.posted
    token = deps.tokens.issue(AuthorClaim(comment.tenant_id, comment.release_id, comment.id))
    mail = None
    if comment.status is not Status.spam:  # a bot's address gets no mail from us
        mail = await mails.mail_for(
            uow, deps, MailKind.author_link, comment, arrival.release, token, deps.edit_window_s
        )
    writes.add(comment, filter_entry(comment), mail)
    uow.emit(events.comment_posted(comment))
    facts.remember(comment)
    return Posted(comment, token)


def _facts(arrival: _Arrival, facts: BatchFacts) -> Facts:
    if arrival.is_bot:
        return Facts(honeypot_filled=True)
    settings = arrival.settings
    approved = 0
    if settings.mode is ModerationMode.pre_until_approved:
        approved = facts.approved_before(arrival.author, settings.approvals_needed)
    duplicate = checks_duplicates(arrival.submission.body) and facts.duplicate(arrival.probe)
    return Facts(approved_before=approved, duplicate=duplicate)
