"""An author verifies their comment's address by following the link mailed to them (where
the newsroom asks for it): the comment gets the newsroom's verdict it was given when posted
(shown, or held for a moderator), is announced (``CommentPosted``), and the address needs no
new verification in that newsroom for a while.

Following the link again changes nothing (idempotent). A link past its time answers that it
expired, as does one whose comment was removed meanwhile (unverified comments are removed at
the end of the same window).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from comments.domain.comment import Comment
from comments.domain.errors import NotFoundError, TokenError
from comments.service.lookups import comment_of
from comments.service.ports import AuthorClaim, Deps, UnitOfWork
from comments.service.posting import announce
from comments.service.transactions import atomically


@dataclass(frozen=True, slots=True)
class Verified:
    comment: Comment
    language: str
    """The newsroom's: the language of the page that says so."""
    author_token: str
    """A fresh author token: the page links to where the author can still change it."""


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
        newsroom = await uow.newsrooms.get(comment.tenant_id, comment.newsroom_id)
    author_token = deps.tokens.issue(AuthorClaim(claim.tenant_id, claim.release_id, comment.id))
    return Verified(comment, newsroom.language if newsroom else "en", author_token)
