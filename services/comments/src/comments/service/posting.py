"""Visitors post comments and replies; each accepted one emits ``CommentPosted``.

The name and text are checked and the text sanitised first (nothing unsafe is ever stored);
that is :func:`submission`, per request. Then comments are accepted in batches
(:func:`accept_submitted`: one, or those that arrived together, see
:mod:`comments.service.intake`): the per-email limit is taken for the whole batch (across
tenants: an address flooding several newsrooms is one flood; two commands however many
comments), and the comments within it are accepted in one transaction
(:mod:`comments.service.accepting`): each release is checked open, the batch's commenters'
bans, their texts' earlier places and their approved comments are read once for the whole
batch, the newsroom's rules decide each comment in the batch's order (a comment sees those
before it in the batch as it would see them stored, :class:`comments.domain.batch.BatchFacts`),
and then the comments, the holds' audit entries, the events (in the outbox) and the mails that
give the authors the link to manage their comments (not for spam: no mail to a bot's address)
are written, each kind in one write.

Each comment gets its own answer: stored, or its own refusal (banned, closed, a banned word),
which leaves the others untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from comments.domain.comment import checked_body, checked_name
from comments.domain.errors import RateLimitedError, RefusedWriteError
from comments.domain.identity import email_digest
from comments.domain.markup import Body, sanitise
from comments.service.accepting import Outcome, accept_batch
from comments.service.ports import Deps, Posted, UnitOfWork, Visitor
from comments.service.transactions import atomically

ANY_TENANT = ""


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
    """A new comment ready to be accepted: its name and text checked and sanitised."""

    visitor: Visitor
    new: NewComment
    name: str
    body: Body


def submission(visitor: Visitor, new: NewComment) -> Submission:
    """What each request does alone, before its comment joins a batch: bad input is refused
    here, uncounted."""
    name = checked_name(new.author_name)
    body = checked_body(sanitise(new.text))
    return Submission(visitor, new, name, body)


async def post_comment(uow: UnitOfWork, deps: Deps, visitor: Visitor, new: NewComment) -> Posted:
    """One comment on its own: a batch of one."""
    (outcome,) = await accept_submitted(uow, deps, [submission(visitor, new)])
    return answer(outcome)


async def accept_submitted(
    uow: UnitOfWork, deps: Deps, batch: Sequence[Submission]
) -> list[Outcome]:
    """The batch's per-email limits taken (those over theirs refused with the time to wait),
    the others accepted (:func:`accept_apart`); one outcome per submission, in order."""
    keys = [email_digest(deps.digest_key, ANY_TENANT, item.new.email) for item in batch]
    waits = await deps.email_rate.take_all(keys)
    within = [item for item, wait_s in zip(batch, waits, strict=True) if wait_s <= 0]
    accepted = iter(await accept_apart(uow, deps, within) if within else [])
    return [RateLimitedError(wait_s) if wait_s > 0 else next(accepted) for wait_s in waits]


def answer(outcome: Outcome) -> Posted:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


async def accept_all(uow: UnitOfWork, deps: Deps, batch: Sequence[Submission]) -> list[Outcome]:
    """The batch in one transaction, again from scratch after a write conflict; one outcome
    per submission, in order."""
    return await atomically(uow, lambda: accept_batch(uow, deps, batch))


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
