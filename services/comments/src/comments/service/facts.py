"""What the newsroom's rules need to know beyond the text, looked up for a new or edited
comment: only the lookups its settings and text call for."""

from __future__ import annotations

from comments.domain.markup import Body
from comments.domain.screening import Facts, checks_duplicates
from comments.domain.settings import CommentSettings, ModerationMode
from comments.service.ports import UnitOfWork


async def screening_facts(
    uow: UnitOfWork,
    settings: CommentSettings,
    body: Body,
    release_id: str,
    email_hash: str | None,
    *,
    honeypot_filled: bool = False,
    except_id: str | None = None,
) -> Facts:
    """The lookups the rules need, only those the newsroom's settings and the text call for."""
    approved = 0
    if settings.mode is ModerationMode.pre_until_approved and email_hash is not None:
        approved = await uow.comments.approved_count(
            settings.tenant_id, settings.newsroom_id, email_hash, settings.approvals_needed
        )
    duplicate = checks_duplicates(body) and await uow.comments.has_duplicate(
        settings.tenant_id, body.digest, release_id, email_hash, except_id=except_id
    )
    return Facts(honeypot_filled=honeypot_filled, approved_before=approved, duplicate=duplicate)
