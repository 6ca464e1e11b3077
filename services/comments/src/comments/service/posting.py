"""Visitors post comments and replies; each accepted one emits ``CommentPosted``.

The text is sanitised first (nothing unsafe is ever stored), the per-email limit is taken
(across tenants: an address flooding several newsrooms is one flood), then one transaction
checks the release is open and the commenter not banned, applies the newsroom's rules, stores
the comment, records a hold in the audit log, puts the event in the outbox, and queues the
mail that gives the author the link to manage it (not for spam: no mail to a bot's address).
"""

from __future__ import annotations

from dataclasses import dataclass

from comments.domain.comment import Comment, Place, Status, checked_body, checked_name
from comments.domain.errors import RateLimitedError
from comments.domain.identity import client_digest, email_digest
from comments.domain.ids import new_id
from comments.domain.mail import MailKind
from comments.domain.markup import Body, sanitise
from comments.domain.releases import KnownRelease
from comments.domain.screening import Facts, screen
from comments.domain.settings import CommentSettings
from comments.service import mails, verification
from comments.service.announcing import announce
from comments.service.facts import screening_facts
from comments.service.lookups import open_release, refuse_banned, visible_comment
from comments.service.ports import AuthorClaim, Deps, Posted, UnitOfWork, Visitor
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


async def post_comment(uow: UnitOfWork, deps: Deps, visitor: Visitor, new: NewComment) -> Posted:
    name = checked_name(new.author_name)
    body = checked_body(sanitise(new.text))
    wait_s = await deps.email_rate.take(email_digest(deps.digest_key, ANY_TENANT, new.email))
    if wait_s > 0:
        raise RateLimitedError(wait_s)

    async def command() -> Posted:
        now = deps.clock.now()
        release, settings = await open_release(uow, new.release_id, now)
        tenant = release.tenant_id
        email_hash = email_digest(deps.digest_key, tenant, new.email)
        client_hash = client_digest(deps.digest_key, tenant, visitor.client)
        await refuse_banned(uow, tenant, email_hash, client_hash)
        place = await _place(uow, release, new.parent_id)
        verdict = screen(
            body, settings, await _facts(uow, settings, body, release, email_hash, new)
        )
        comment = Comment(
            id=new_id(),
            tenant_id=tenant,
            release_id=release.release_id,
            newsroom_id=release.newsroom_id,
            place=place,
            author_name=name,
            email=new.email.strip(),
            email_hash=email_hash,
            client_hash=client_hash,
            body=body,
            status=verdict.status,
            posted_at=now,
            hold_reasons=verdict.reasons,
            needs_review=verdict.needs_review,
        )
        rules = await verification.required(uow, deps, settings, comment)
        if rules is not None:
            return await verification.hold(uow, deps, rules, comment, release)
        await uow.comments.add(comment)
        await announce(uow, comment)
        claim = AuthorClaim(tenant, release.release_id, comment.id)
        token = deps.tokens.issue(claim)
        if comment.status is not Status.spam:  # a bot's address gets no mail from us
            await mails.queue_mail(
                uow, deps, MailKind.author_link, comment, release, token, deps.edit_window_s
            )
        return Posted(comment, token)

    return await atomically(uow, command)


async def _place(uow: UnitOfWork, release: KnownRelease, parent_id: str | None) -> Place:
    if parent_id is None:
        return Place()
    parent = await visible_comment(uow, release, parent_id)
    return parent.place_of_reply()


async def _facts(
    uow: UnitOfWork,
    settings: CommentSettings,
    body: Body,
    release: KnownRelease,
    email_hash: str,
    new: NewComment,
) -> Facts:
    if new.honeypot.strip():
        return Facts(honeypot_filled=True)  # a bot: no lookups spent on it
    return await screening_facts(uow, settings, body, release.release_id, email_hash)
