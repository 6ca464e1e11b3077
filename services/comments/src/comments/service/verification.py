"""Email verification, where a newsroom asks for it. A new comment from an address not
verified there lately is kept unseen (``required``, ``hold``) and its author mailed the link.
Following it (``verify_comment``), the comment gets the newsroom's verdict it was given when
posted (shown, or held for a moderator), is announced (``CommentPosted``), and the address
needs no new verification in that newsroom for a while.

Following the link again changes nothing (idempotent). A link past its time answers that it
expired, as does one whose comment was removed meanwhile (unverified comments are removed at
the end of the same window).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from comments.domain.comment import Comment, Status
from comments.domain.errors import NotFoundError, TokenError
from comments.domain.mail import Mail, MailKind
from comments.domain.releases import KnownRelease
from comments.domain.settings import CommentSettings
from comments.service import mails
from comments.service.announcing import announce
from comments.service.lookups import comment_of, refuse_banned
from comments.service.ports import AuthorClaim, Deps, Posted, UnitOfWork, VerificationRules
from comments.service.transactions import atomically


@dataclass(frozen=True, slots=True)
class Verified:
    comment: Comment
    language: str
    """The newsroom's: the language of the page that says so."""
    author_token: str
    """A fresh author token: the page links to where the author can still change it."""


async def required(
    uow: UnitOfWork, deps: Deps, settings: CommentSettings, comment: Comment
) -> VerificationRules | None:
    """The rules to verify a new comment by, when its newsroom wants it verified and its
    address was not verified there lately; None otherwise."""
    rules = deps.verification
    if rules is None or not settings.verify_email or comment.email_hash is None:
        return None
    if comment.status is Status.spam:
        return None  # kept as spam, never shown: nothing to verify, no mail to a bot
    if await uow.verified_authors.verified(
        comment.tenant_id, comment.newsroom_id, comment.email_hash, comment.posted_at
    ):
        return None
    return rules


@dataclass(frozen=True, slots=True)
class Held:
    """A new comment kept unseen and unannounced, and the mail with the link that verifies it
    (for the caller to store, with the batch it belongs to)."""

    posted: Posted
    mail: Mail | None


async def hold(
    uow: UnitOfWork,
    deps: Deps,
    rules: VerificationRules,
    comment: Comment,
    release: KnownRelease,
) -> Held:
    """Keep a new comment unseen and unannounced; its author gets the link that verifies it."""
    waiting = comment.awaiting_verification(comment.posted_at + timedelta(seconds=rules.window_s))
    claim = AuthorClaim(waiting.tenant_id, waiting.release_id, waiting.id)
    link_token = rules.tokens.issue(claim)
    mail = await mails.mail_for(
        uow, deps, MailKind.verification, waiting, release, link_token, rules.window_s
    )
    return Held(Posted(waiting, deps.tokens.issue(claim)), mail)


def check_link(deps: Deps, token: str) -> None:
    """TokenError unless the link is valid and within its time."""
    if deps.verification is None:
        raise TokenError("this link is not valid")
    deps.verification.tokens.read(token, deps.verification.window_s)


async def verify_comment(uow: UnitOfWork, deps: Deps, token: str) -> Verified:
    rules = deps.verification
    if rules is None:
        raise TokenError("this link is not valid")
    claim = rules.tokens.read(token, rules.window_s)

    async def command() -> Comment:
        try:
            comment = await comment_of(uow, claim.tenant_id, claim.comment_id)
        except NotFoundError as gone:  # removed unverified at the end of its window
            raise TokenError("this comment expired unverified", expired=True) from gone
        if comment.release_id != claim.release_id:
            raise TokenError("this link is for another comment")
        if comment.awaiting is None:
            return comment  # verified already: again changes nothing
        # Banned since it was posted: it stays unseen (and is removed at the end of its window).
        await refuse_banned(uow, comment.tenant_id, comment.email_hash, comment.client_hash)
        shown = comment.verified()
        await uow.comments.save(shown)
        if shown.email_hash is not None:
            until = deps.clock.now() + timedelta(days=rules.remembered_days)
            await uow.verified_authors.remember(
                shown.tenant_id, shown.newsroom_id, shown.email_hash, until
            )
        await announce(uow, shown)
        return shown

    comment = await atomically(uow, command)
    async with uow:
        newsroom = await uow.newsrooms.for_visitors(comment.tenant_id, comment.newsroom_id)
    author_token = deps.tokens.issue(AuthorClaim(claim.tenant_id, claim.release_id, comment.id))
    return Verified(comment, newsroom.language if newsroom else "en", author_token)
