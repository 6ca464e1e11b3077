"""Readers react to a comment (once per reader and kind, and may withdraw it) or report it to
the moderators.

A reader is their client's keyed digest. A report puts the comment in the moderation queue;
it stays shown until a moderator decides (a report is a reader's opinion, not a decision).
"""

from __future__ import annotations

from dataclasses import replace

from comments.domain.comment import Comment, Reaction
from comments.domain.identity import client_digest
from comments.domain.ids import new_id
from comments.domain.moderation import AuditEntry
from comments.service.lookups import public_release, visible_comment
from comments.service.ports import Deps, UnitOfWork, Visitor
from comments.service.transactions import atomically

REPORT = "report"


async def react(
    uow: UnitOfWork,
    deps: Deps,
    visitor: Visitor,
    release_id: str,
    comment_id: str,
    kind: Reaction,
) -> Comment:
    """Count the reader's reaction once (again: nothing changes)."""
    return await _toggle(uow, deps, visitor, release_id, comment_id, kind, adding=True)


async def unreact(
    uow: UnitOfWork,
    deps: Deps,
    visitor: Visitor,
    release_id: str,
    comment_id: str,
    kind: Reaction,
) -> Comment:
    """Withdraw the reader's reaction (none there: nothing changes), so a reader can toggle."""
    return await _toggle(uow, deps, visitor, release_id, comment_id, kind, adding=False)


async def _toggle(
    uow: UnitOfWork,
    deps: Deps,
    visitor: Visitor,
    release_id: str,
    comment_id: str,
    kind: Reaction,
    *,
    adding: bool,
) -> Comment:
    async def command() -> Comment:
        release = await public_release(uow, release_id)
        comment = await visible_comment(uow, release, comment_id)
        reader = client_digest(deps.digest_key, release.tenant_id, visitor.client)
        change = uow.reactions.add if adding else uow.reactions.remove
        if not await change(release.tenant_id, comment.id, reader, kind.value):
            return comment  # already so for this reader
        count = comment.reactions.get(kind.value, 0) + (1 if adding else -1)
        changed = replace(comment, reactions={**comment.reactions, kind.value: max(0, count)})
        await uow.comments.save(changed)
        return changed

    return await atomically(uow, command)


async def report(
    uow: UnitOfWork, deps: Deps, visitor: Visitor, release_id: str, comment_id: str, reason: str
) -> None:
    async def command() -> None:
        release = await public_release(uow, release_id)
        comment = await visible_comment(uow, release, comment_id)
        reader = client_digest(deps.digest_key, release.tenant_id, visitor.client)
        if not await uow.reactions.add(release.tenant_id, comment.id, reader, REPORT):
            return  # one report per reader and comment
        await uow.comments.save(comment.reported())
        await uow.audit.add(
            AuditEntry(
                id=new_id(),
                tenant_id=comment.tenant_id,
                action="reported",
                at=deps.clock.now(),
                actor="reader",
                reason=reason,
                comment_id=comment.id,
                release_id=comment.release_id,
            )
        )

    await atomically(uow, command)
