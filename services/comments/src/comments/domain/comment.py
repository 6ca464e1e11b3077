"""A comment: who wrote it, where in a thread it hangs, its body and its moderation state."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from comments.domain.errors import InvalidInputError, NotAllowedError
from comments.domain.markup import Body

MAX_DEPTH = 2
"""A top-level comment is at depth 0; replies nest two levels below it. A reply to a comment
at the deepest level hangs beside it (under the same parent), so a thread never grows deeper."""
MAX_NAME_CHARS = 80
MAX_TEXT_CHARS = 5_000


class Status(StrEnum):
    """The contract's ``CommentStatus``."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    spam = "spam"
    hidden = "hidden"


class Reaction(StrEnum):
    like = "like"
    insightful = "insightful"
    disagree = "disagree"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a new comment hangs: its parent, the thread's root, its depth."""

    parent_id: str | None = None
    root_id: str | None = None
    depth: int = 0


@dataclass(frozen=True, slots=True)
class Awaiting:
    """A comment whose author has not yet followed the verification link: unseen, out of the
    moderators' queue and not announced until then. It holds the newsroom's verdict, which
    applies once verified (a held comment then joins the queue)."""

    status: Status
    hold_reasons: tuple[str, ...]
    needs_review: bool
    until: datetime
    """When the unverified comment is removed (and its link stops working)."""


@dataclass(frozen=True, slots=True)
class Comment:
    id: str
    tenant_id: str
    release_id: str
    newsroom_id: str
    place: Place
    author_name: str
    email: str | None
    """The raw address: stored here only, never in an event or an API answer."""
    email_hash: str | None
    client_hash: str | None
    body: Body
    status: Status
    posted_at: datetime
    is_official_reply: bool = False
    staff_key_id: str | None = None
    hold_reasons: tuple[str, ...] = ()
    needs_review: bool = False
    reports: int = 0
    reactions: dict[str, int] = field(default_factory=dict)
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    awaiting: Awaiting | None = None

    @property
    def root_id(self) -> str:
        return self.place.root_id or self.id

    @property
    def visible(self) -> bool:
        return self.status is Status.approved and self.deleted_at is None

    def place_of_reply(self) -> Place:
        """Where a reply to this comment hangs."""
        if self.place.depth >= MAX_DEPTH:
            return self.place  # beside this one: same parent, same depth
        return Place(parent_id=self.id, root_id=self.root_id, depth=self.place.depth + 1)

    def place_of_answer(self) -> Place:
        """Where an official reply to this comment hangs: right under it, at any depth (the
        company answers the comment itself, pinned under it)."""
        return Place(parent_id=self.id, root_id=self.root_id, depth=self.place.depth + 1)

    def awaiting_verification(self, until: datetime) -> Comment:
        """Kept unseen until its author verifies the address, with its verdict for then."""
        verdict = Awaiting(self.status, self.hold_reasons, self.needs_review, until)
        return replace(
            self, status=Status.pending, hold_reasons=(), needs_review=False, awaiting=verdict
        )

    def verified(self) -> Comment:
        """Its author followed the link: the newsroom's verdict applies now."""
        if self.awaiting is None:
            return self
        verdict = self.awaiting
        return replace(
            self,
            status=verdict.status,
            hold_reasons=verdict.hold_reasons,
            needs_review=verdict.needs_review,
            awaiting=None,
        )

    def decided(self, status: Status) -> Comment:
        if self.awaiting is not None:
            raise NotAllowedError("this comment waits for its author to verify the address")
        return replace(self, status=status, needs_review=False, hold_reasons=())

    def reported(self) -> Comment:
        reasons = (
            self.hold_reasons
            if "reported" in self.hold_reasons
            else (
                *self.hold_reasons,
                "reported",
            )
        )
        return replace(self, reports=self.reports + 1, needs_review=True, hold_reasons=reasons)

    def editable_until(self, window: timedelta) -> datetime:
        return self.posted_at + window

    def edited(
        self, body: Body, status: Status, reasons: tuple[str, ...], now: datetime
    ) -> Comment:
        """The author's new text, screened again. Only a comment still shown or waiting may
        change: an edit must not undo a moderator's (or the filter's) rejection, spam or hiding."""
        if self.deleted_at is not None:
            raise NotAllowedError("this comment was deleted")
        if self.status not in (Status.pending, Status.approved):
            raise NotAllowedError(f"this comment is {self.status.value}: it can no longer change")
        if self.awaiting is not None:  # still unseen: the new verdict waits for verification
            verdict = Awaiting(status, reasons, status is Status.pending, self.awaiting.until)
            return replace(self, body=body, awaiting=verdict, edited_at=now)
        return replace(
            self,
            body=body,
            status=status,
            hold_reasons=reasons,
            needs_review=status is Status.pending,
            edited_at=now,
        )

    def deleted(self, now: datetime) -> Comment:
        """Deleted by its author: hidden, its text gone (the audit log keeps the decision)."""
        return replace(
            self,
            status=Status.hidden,
            body=Body(html="", text="", links=0),
            deleted_at=now,
            needs_review=False,
            hold_reasons=(),
            awaiting=None,
        )


def checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInputError("author_name", "must not be empty")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInputError("author_name", f"at most {MAX_NAME_CHARS} characters")
    return name


def checked_body(body: Body) -> Body:
    if not body.text:
        raise InvalidInputError("text", "has no text once markup is removed")
    if len(body.text) > MAX_TEXT_CHARS:
        raise InvalidInputError("text", f"at most {MAX_TEXT_CHARS} characters of text")
    return body
