"""Accepting a batch of new comments in one transaction (see :mod:`comments.service.posting`).

Each release is read once per batch and checked open; the batch's commenters' bans, their
texts' earlier places and their authors' approved comments are read once for the whole batch
(:func:`_batch_facts`); the newsroom's rules then decide each comment in the batch's order, a
comment seeing those before it in the batch as it would see them stored
(:class:`comments.domain.batch.BatchFacts`); last, the comments, the holds' audit entries and
the authors' mails are written, each kind in one write, and the events go to the outbox with
the unit of work's flush. A comment refused for a reason of its own (banned, closed, a banned
word, an unknown parent) gets that refusal as its outcome and writes nothing; the others go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from comments.domain.batch import Author, BatchFacts, TextProbe
from comments.domain.comment import Comment, Place, Status
from comments.domain.errors import ConcurrentModificationError, DomainError, ForbiddenError
from comments.domain.identity import client_digest, email_digest
from comments.domain.ids import new_id
from comments.domain.mail import Mail, MailKind
from comments.domain.moderation import AuditEntry, BanKind
from comments.domain.releases import KnownRelease
from comments.domain.screening import Facts, checks_duplicates, screen
from comments.domain.settings import CommentSettings, ModerationMode
from comments.service import events, mails, verification
from comments.service.announcing import filter_entry
from comments.service.lookups import open_release, visible_comment
from comments.service.ports import AuthorClaim, Deps, Posted, UnitOfWork

if TYPE_CHECKING:
    from comments.service.posting import Submission

BANNED = "you may not comment in this newsroom"

Outcome = Posted | Exception
"""A comment's answer: stored, or why not (a DomainError; or RefusedWriteError, see
:func:`comments.service.posting.accept_apart`)."""


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


async def accept_batch(uow: UnitOfWork, deps: Deps, batch: Sequence[Submission]) -> list[Outcome]:
    """One outcome per submission, in order; to run inside ``async with uow``."""
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
