"""Queueing the mails to a comment's author, in the transaction of the comment, written in
its newsroom's language: the link to manage the comment, the link that verifies it."""

from __future__ import annotations

from comments.domain.comment import Comment
from comments.domain.emails import MailFacts, language_of, render
from comments.domain.ids import new_id
from comments.domain.mail import Mail, MailKind
from comments.domain.releases import KnownRelease
from comments.service.ports import Deps, UnitOfWork

MANAGE_PATH = "/v1/public/manage/"
VERIFY_PATH = "/v1/public/verify/"


def link(deps: Deps, path: str, token: str, language: str) -> str:
    """A page of this service for the token; ``lang`` lets the page speak the mail's language
    even when the token no longer opens anything (expired)."""
    return f"{deps.public_base_url}{path}{token}?lang={language}"


async def mail_for(
    uow: UnitOfWork,
    deps: Deps,
    kind: MailKind,
    comment: Comment,
    release: KnownRelease,
    token: str,
    valid_for_s: int,
) -> Mail | None:
    """The mail to queue (None for a comment without an address), written but not stored."""
    if not comment.email:
        return None
    newsroom = await uow.newsrooms.for_visitors(comment.tenant_id, comment.newsroom_id)
    language = language_of(newsroom.language if newsroom else None)
    path = MANAGE_PATH if kind is MailKind.author_link else VERIFY_PATH
    facts = MailFacts(
        author_name=comment.author_name,
        newsroom_name=newsroom.name if newsroom else "Newsroom",
        release_title=release.title,
        link=link(deps, path, token, language),
        valid_for_minutes=max(1, valid_for_s // 60),
    )
    return Mail(
        id=new_id(),
        tenant_id=comment.tenant_id,
        comment_id=comment.id,
        kind=kind,
        recipient=comment.email,
        content=render(kind, language, facts),
        created_at=deps.clock.now(),
    )
