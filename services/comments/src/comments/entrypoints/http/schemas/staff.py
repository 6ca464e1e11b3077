"""Bodies of the staff API: settings, moderation, bans, the audit log, official replies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field

from comments.domain.comment import Comment
from comments.domain.moderation import AuditEntry, Ban, BanKind, Decision
from comments.domain.settings import MAX_WORD_CHARS, MAX_WORDS, CommentSettings, ModerationMode
from comments.entrypoints.http.schemas.common import AuthorName, Model, Text
from newsroom_shared.events.comments import SHA256_HEX
from newsroom_shared.http.params import JsonInt, json_integer

Word = Annotated[str, Field(min_length=1, max_length=MAX_WORD_CHARS)]


class SettingsIn(Model):
    mode: ModerationMode = Field(
        default=ModerationMode.pre,
        description="pre: every comment waits for a moderator; post: comments show at once; "
        "pre_until_approved: a commenter's comments wait until `approvals_needed` of theirs "
        "were approved",
    )
    approvals_needed: JsonInt = Field(default=1, ge=1, le=1000)
    # The bounds before the validator: after it the schema would not state them.
    open_days: Annotated[int, Field(ge=1, le=36_500), BeforeValidator(json_integer)] | None = Field(
        default=None,
        description="Comments close this many days after publication; null: until withdrawn",
    )
    max_links: JsonInt = Field(default=2, ge=0, le=100, description="More links hold a comment")
    banned_words: list[Word] = Field(
        default_factory=list,
        max_length=MAX_WORDS,
        description="Words or phrases (whole words, any case) that refuse a comment",
    )
    suspect_words: list[Word] = Field(
        default_factory=list,
        max_length=MAX_WORDS,
        description="Words or phrases that hold a comment for a moderator",
    )
    verify_email: bool = Field(
        default=False,
        description="A comment shows (and CommentPosted is emitted) only once its author "
        "followed the link mailed to the address; an address verified in this newsroom is "
        "trusted for a while (COMMENTS_VERIFIED_AUTHOR_DAYS)",
    )

    def settings(self, tenant_id: str, newsroom_id: str) -> CommentSettings:
        return CommentSettings(
            tenant_id=tenant_id,
            newsroom_id=newsroom_id,
            mode=self.mode,
            approvals_needed=self.approvals_needed,
            open_days=self.open_days,
            max_links=self.max_links,
            banned_words=tuple(self.banned_words),
            suspect_words=tuple(self.suspect_words),
            verify_email=self.verify_email,
        )


class SettingsOut(BaseModel):
    newsroom_id: str
    mode: ModerationMode
    approvals_needed: int
    open_days: int | None
    max_links: int
    banned_words: list[str]
    suspect_words: list[str]
    verify_email: bool

    @classmethod
    def of(cls, s: CommentSettings) -> SettingsOut:
        return cls(
            newsroom_id=s.newsroom_id,
            mode=s.mode,
            approvals_needed=s.approvals_needed,
            open_days=s.open_days,
            max_links=s.max_links,
            banned_words=list(s.banned_words),
            suspect_words=list(s.suspect_words),
            verify_email=s.verify_email,
        )


class StaffCommentOut(BaseModel):
    """A comment as moderators see it: its state and the digests to ban (never the email)."""

    id: str
    release_id: str
    newsroom_id: str
    parent_id: str | None
    depth: int
    author_name: str
    email_hash: str | None
    client_hash: str | None
    body_html: str
    body_text: str
    links: int
    status: str
    hold_reasons: list[str]
    needs_review: bool
    reports: int
    reactions: dict[str, int]
    is_official_reply: bool
    staff_key_id: str | None
    posted_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None

    @classmethod
    def of(cls, c: Comment) -> StaffCommentOut:
        return cls(
            id=c.id,
            release_id=c.release_id,
            newsroom_id=c.newsroom_id,
            parent_id=c.place.parent_id,
            depth=c.place.depth,
            author_name=c.author_name,
            email_hash=c.email_hash,
            client_hash=c.client_hash,
            body_html=c.body.html,
            body_text=c.body.text,
            links=c.body.links,
            status=c.status.value,
            hold_reasons=list(c.hold_reasons),
            needs_review=c.needs_review,
            reports=c.reports,
            reactions=dict(c.reactions),
            is_official_reply=c.is_official_reply,
            staff_key_id=c.staff_key_id,
            posted_at=c.posted_at,
            edited_at=c.edited_at,
            deleted_at=c.deleted_at,
        )


class DecisionIn(Model):
    decision: Decision
    reason: Annotated[str, Field(max_length=1000)] = Field(
        default="", description="Why; required to reject (422 without one)"
    )


class OfficialReplyIn(Model):
    author_name: AuthorName = Field(description="Shown with the reply, e.g. 'Acme Press Team'")
    text: Text


class BanIn(Model):
    kind: BanKind = Field(description="email: an author's email digest; client: a client's")
    digest: str = Field(
        pattern=SHA256_HEX,
        description="`email_hash` or `client_hash` of a comment, as moderators see it",
    )
    reason: Annotated[str, Field(max_length=1000)] = ""


class BanOut(BaseModel):
    id: str
    kind: BanKind
    digest: str
    reason: str
    banned_at: datetime
    by_key_id: str

    @classmethod
    def of(cls, ban: Ban) -> BanOut:
        return cls(
            id=ban.id,
            kind=ban.kind,
            digest=ban.digest,
            reason=ban.reason,
            banned_at=ban.banned_at,
            by_key_id=ban.by_key_id,
        )


class AuditOut(BaseModel):
    id: str
    action: str = Field(
        description="approved, rejected, spam, hidden (moderators); held, spam (the filter); "
        "deleted (the author); reported (a reader); banned, unbanned"
    )
    at: datetime
    actor: str | None = Field(
        description="The staff key id; `author`, `reader`; null for the automatic filter"
    )
    reason: str
    comment_id: str | None
    release_id: str | None
    target: str | None = Field(description="What a ban names: `email:<digest>`, `client:<digest>`")

    @classmethod
    def of(cls, e: AuditEntry) -> AuditOut:
        return cls(
            id=e.id,
            action=e.action,
            at=e.at,
            actor=e.actor,
            reason=e.reason,
            comment_id=e.comment_id,
            release_id=e.release_id,
            target=e.target,
        )
