"""Posts coming in: each source turns what it heard into a ``PostFetched`` on the internal
topic (through the outbox), where the matchers pick it up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from listening.domain.comments import KnownComment
from listening.domain.dedupe import url_key
from listening.domain.errors import InvalidPostError
from listening.domain.webhook_sources import WebhookSource
from listening.service.comments import comment_post_key
from listening.service.ports import UnitOfWork
from newsroom_shared.events.comments import CommentEdited, CommentPosted
from newsroom_shared.events.listening import PostFetched

MAX_TEXT = 20_000


async def comment_to_post(uow: UnitOfWork, comment: CommentPosted, now: datetime) -> None:
    """A visitor's comment on one of the tenant's releases (staff replies are the company
    speaking, not a mention). Every comment is remembered: an official reply can answer a
    mention, and a later moderation decision finds its mention by it."""
    known = KnownComment(
        comment.tenant_id,
        comment.comment_id,
        comment.release_id,
        comment.status,
        official=comment.is_official_reply,
        author=comment.author_name,
    )
    await uow.comments.posted(known)
    if comment.is_official_reply or comment.status == "spam":
        return
    await _emit_comment_post(
        uow,
        comment.tenant_id,
        comment.comment_id,
        comment.release_id,
        comment.body_text,
        now,
        author=comment.author_name,
        language=comment.language,
        published_at=comment.posted_at,
    )


async def comment_edit_to_post(uow: UnitOfWork, edit: CommentEdited, now: datetime) -> None:
    """An edited comment goes to matching again as a new version of its post (``edited_at``),
    under the same post key, so it follows the first version on its partition. An edit no newer
    than the last one passed on is dropped here: the two events travel on different topics, and
    an edit consumed late must not overwrite a later one."""
    known = await uow.comments.get(edit.tenant_id, edit.comment_id)
    if known is not None and known.edited_at is not None and edit.edited_at <= known.edited_at:
        return
    await uow.comments.edited(
        KnownComment(
            edit.tenant_id, edit.comment_id, edit.release_id, edit.status, edited_at=edit.edited_at
        )
    )
    if (known is not None and known.official) or edit.status == "spam":
        return
    await _emit_comment_post(
        uow,
        edit.tenant_id,
        edit.comment_id,
        edit.release_id,
        edit.body_text,
        now,
        author=None if known is None else known.author,
        edited_at=edit.edited_at,
    )


async def _emit_comment_post(
    uow: UnitOfWork,
    tenant_id: str,
    comment_id: str,
    release_id: str,
    text: str,
    now: datetime,
    **version: Any,
) -> None:
    """A comment's text (a version of it) on the internal topic; its URL is the release's page
    when the release is known here."""
    release = await uow.releases.get(tenant_id, release_id)
    uow.emit(
        PostFetched(
            tenant_id=tenant_id,
            post_key=comment_post_key(comment_id),
            source_kind="comment",
            source_url=release.url if release else f"urn:newsroom:release:{release_id}",
            text=text[:MAX_TEXT],
            fetched_at=now,
            release_id=release_id,
            **version,
        )
    )


class InboundPost(BaseModel):
    """The body an inbound webhook sends (signed per Standard Webhooks)."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(min_length=1, max_length=MAX_TEXT, description="The post's plain text")
    url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://\S+$")
    author: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
    published_at: datetime | None = None


def inbound_post(payload: dict[str, Any]) -> InboundPost:
    try:
        return InboundPost.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidPostError(f"{where}: {first['msg']}") from None


async def webhook_to_post(
    uow: UnitOfWork, source: WebhookSource, message_id: str, post: InboundPost, now: datetime
) -> None:
    """A post an outside system sent; ``message_id`` is its ``webhook-id`` (the same id sent
    again is the same post)."""
    async with uow:
        uow.emit(
            PostFetched(
                tenant_id=source.tenant_id,
                # Keyed by the canonical URL when there is one: copies of one page meet on one
                # partition, in order.
                post_key=url_key(post.url) if post.url else f"webhook:{source.id}:{message_id}",
                source_kind="webhook",
                source_url=f"urn:newsroom:webhook-source:{source.id}",
                text=post.text,
                url=post.url,
                author=post.author,
                language=post.language.lower() if post.language else None,
                published_at=post.published_at,
                fetched_at=now,
            )
        )
