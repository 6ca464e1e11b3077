"""Authors edit or delete their own comment within the edit window, with the signed token
they got when posting: in the post's answer (the widget keeps it for the session) and in the
mail to them (the link to their page, ``entrypoints/web/manage.py``).

An edit goes through the newsroom's rules again, so an approved comment cannot be turned into
something the rules would have held. An edit emits ``CommentEdited`` (the new text and status),
except before its author verified it: ``CommentPosted`` then carries the text as it is.
A deletion hides the comment, drops its text, and emits ``CommentModerated`` (hidden).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from comments.domain.comment import Comment, checked_body
from comments.domain.errors import TokenError
from comments.domain.ids import new_id
from comments.domain.markup import sanitise
from comments.domain.moderation import AuditEntry, Decision
from comments.domain.screening import screen
from comments.service import events
from comments.service.facts import screening_facts
from comments.service.lookups import comment_of, open_release
from comments.service.ports import AuthorClaim, Deps, UnitOfWork
from comments.service.transactions import atomically

DELETED_BY_AUTHOR = "deleted by its author"


@dataclass(frozen=True, slots=True)
class Manageable:
    """What the author's page shows: the comment, in its newsroom's language."""

    comment: Comment
    release_title: str
    language: str
    editable_until: datetime


async def manageable(uow: UnitOfWork, deps: Deps, token: str) -> Manageable:
    """The comment the token (from the author's mail) names, while it may still change."""
    claim = deps.tokens.read(token, deps.edit_window_s)
    comment = await comment_of(uow, claim.tenant_id, claim.comment_id)
    if comment.release_id != claim.release_id:
        raise TokenError("this token is for another comment")
    release = await uow.releases.get(claim.tenant_id, claim.release_id)
    newsroom = await uow.newsrooms.for_visitors(claim.tenant_id, comment.newsroom_id)
    return Manageable(
        comment=comment,
        release_title=release.title if release else "",
        language=newsroom.language if newsroom else "en",
        editable_until=comment.editable_until(timedelta(seconds=deps.edit_window_s)),
    )


def claim_of(deps: Deps, token: str) -> AuthorClaim:
    """The release and comment a valid token names (TokenError otherwise)."""
    return deps.tokens.read(token, deps.edit_window_s)


def _claim(deps: Deps, token: str, release_id: str, comment_id: str) -> AuthorClaim:
    claim = deps.tokens.read(token, deps.edit_window_s)
    if (claim.release_id, claim.comment_id) != (release_id, comment_id):
        raise TokenError("this token is for another comment")
    return claim


async def edit_comment(
    uow: UnitOfWork, deps: Deps, token: str, release_id: str, comment_id: str, text: str
) -> Comment:
    claim = _claim(deps, token, release_id, comment_id)
    body = checked_body(sanitise(text))

    async def command() -> Comment:
        now = deps.clock.now()
        _, settings = await open_release(uow, release_id, now)
        comment = await comment_of(uow, claim.tenant_id, comment_id)
        facts = await screening_facts(
            uow, settings, body, release_id, comment.email_hash, except_id=comment.id
        )
        verdict = screen(body, settings, facts)
        edited = comment.edited(body, verdict.status, verdict.reasons, now)
        await uow.comments.save(edited)
        if edited.awaiting is None:  # one still unverified is announced later, as it is then
            uow.emit(events.comment_edited(edited, now))
        return edited

    return await atomically(uow, command)


async def delete_comment(
    uow: UnitOfWork, deps: Deps, token: str, release_id: str, comment_id: str
) -> None:
    claim = _claim(deps, token, release_id, comment_id)

    async def command() -> None:
        now = deps.clock.now()
        comment = await comment_of(uow, claim.tenant_id, comment_id)
        if comment.deleted_at is not None:
            return  # deleted already: deleting again changes nothing
        gone = comment.deleted(now)
        await uow.comments.save(gone)
        await uow.audit.add(
            AuditEntry(
                id=new_id(),
                tenant_id=gone.tenant_id,
                action="deleted",
                at=now,
                actor="author",
                reason=DELETED_BY_AUTHOR,
                comment_id=gone.id,
                release_id=gone.release_id,
            )
        )
        uow.emit(events.comment_moderated(gone, Decision.hidden, None, DELETED_BY_AUTHOR, now))

    await atomically(uow, command)
