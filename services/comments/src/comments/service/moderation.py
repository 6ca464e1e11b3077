"""The moderation API's use cases: the queue, decisions, bans, and the audit log.

Every decision changes the comment's status, takes it out of the queue, is written to the
audit log and emits ``CommentModerated``, all in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from comments.domain.comment import Comment
from comments.domain.errors import InvalidInputError, NotAllowedError, NotFoundError
from comments.domain.ids import new_id
from comments.domain.moderation import AuditEntry, Ban, BanKind, Decision
from comments.service import events
from comments.service.lookups import comment_of
from comments.service.ports import Deps, QueueFilter, Staff, UnitOfWork
from comments.service.transactions import atomically


async def queue(
    uow: UnitOfWork, tenant_id: str, where: QueueFilter, after_id: str | None, limit: int
) -> list[Comment]:
    async with uow:
        return await uow.comments.queue(tenant_id, where, after_id, limit)


async def get_comment(uow: UnitOfWork, tenant_id: str, comment_id: str) -> Comment:
    async with uow:
        return await comment_of(uow, tenant_id, comment_id)


async def decide(
    uow: UnitOfWork, deps: Deps, staff: Staff, comment_id: str, decision: Decision, reason: str
) -> Comment:
    reason = reason.strip()
    if decision is Decision.rejected and not reason:
        raise InvalidInputError("reason", "a rejection needs a reason")

    async def command() -> Comment:
        now = deps.clock.now()
        comment = await comment_of(uow, staff.tenant_id, comment_id)
        if comment.deleted_at is not None:
            raise NotAllowedError("the author deleted this comment")
        decided = comment.decided(decision.status)
        await uow.comments.save(decided)
        await uow.audit.add(
            AuditEntry(
                id=new_id(),
                tenant_id=staff.tenant_id,
                action=decision.value,
                at=now,
                actor=staff.key_id,
                reason=reason,
                comment_id=comment.id,
                release_id=comment.release_id,
            )
        )
        uow.emit(events.comment_moderated(decided, decision, staff.key_id, reason, now))
        return decided

    return await atomically(uow, command)


async def ban(
    uow: UnitOfWork, deps: Deps, staff: Staff, kind: BanKind, digest: str, reason: str
) -> Ban:
    """Refuse every further comment from an email digest or a client digest (idempotent)."""

    async def command() -> Ban:
        now = deps.clock.now()
        entry = Ban(staff.tenant_id, kind, digest, reason.strip(), now, staff.key_id)
        await uow.bans.put(entry)
        await _audit(uow, staff, "banned", entry.id, entry.reason, now)
        return entry

    return await atomically(uow, command)


async def unban(uow: UnitOfWork, deps: Deps, staff: Staff, ban_id: str) -> None:
    async def command() -> None:
        if not await uow.bans.remove(staff.tenant_id, ban_id):
            raise NotFoundError("ban", ban_id)
        await _audit(uow, staff, "unbanned", ban_id, "", deps.clock.now())

    await atomically(uow, command)


async def bans(uow: UnitOfWork, tenant_id: str, after_id: str | None, limit: int) -> list[Ban]:
    async with uow:
        return await uow.bans.page(tenant_id, after_id, limit)


async def audit_log(
    uow: UnitOfWork, tenant_id: str, comment_id: str | None, after_id: str | None, limit: int
) -> list[AuditEntry]:
    async with uow:
        return await uow.audit.page(tenant_id, comment_id, after_id, limit)


async def _audit(
    uow: UnitOfWork, staff: Staff, action: str, target: str, reason: str, now: datetime
) -> None:
    await uow.audit.add(
        AuditEntry(
            id=new_id(),
            tenant_id=staff.tenant_id,
            action=action,
            at=now,
            actor=staff.key_id,
            reason=reason,
            target=target,
        )
    )
