"""The press release aggregate: its content, its place in the workflow, its version.

Every change bumps ``version`` and records who did what (``last_action``, ``updated_by``); the
service layer stores a snapshot per version. Methods check the workflow table and the time rules
and raise :mod:`publisher.domain.errors` exceptions; they never do I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from slugify import slugify

from newsroom_shared.clock import to_ms
from publisher.domain import limits
from publisher.domain.content import (
    ContentChanges,
    MediaRef,
    MediaState,
    ReleaseContent,
    apply_changes,
    media_refs,
    new_content,
)
from publisher.domain.errors import IllegalTransitionError, InvalidInputError, VersionMismatchError
from publisher.domain.ids import new_id
from publisher.domain.values import require_text
from publisher.domain.workflow import Action, Status, allowed_actions, next_status

SCHEDULER = "scheduler"  # the actor of transitions nobody asked for at that moment


def slug_base(title: str) -> str:
    return slugify(title, max_length=limits.RELEASE_SLUG_MAX, word_boundary=True) or "release"


def unique_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free in the newsroom."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@dataclass(slots=True)
class Release:
    id: str
    tenant_id: str
    newsroom_id: str
    slug: str
    content: ReleaseContent
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    status: Status = Status.DRAFT
    version: int = 1
    last_action: str = "create"
    media: list[MediaRef] = field(default_factory=list)
    publish_at: datetime | None = None
    embargo_until: datetime | None = None
    published_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdraw_reason: str = ""
    review_comment: str = ""
    # Releases that are translations of each other share a group (one per language): links
    # between releases, not content, so setting it makes no new version (domain/translations.py).
    translation_group: str | None = None

    @classmethod
    def draft(
        cls,
        *,
        tenant_id: str,
        newsroom_id: str,
        default_language: str,
        changes: ContentChanges,
        known_media: Mapping[str, MediaRef],
        actor: str,
        now: datetime,
    ) -> Release:
        content = new_content(changes, default_language)
        return cls(
            id=new_id(),
            tenant_id=tenant_id,
            newsroom_id=newsroom_id,
            slug=slug_base(content.title),
            content=content,
            created_at=now,
            created_by=actor,
            updated_at=now,
            updated_by=actor,
            media=media_refs(content.media_ids, [], known_media),
        )

    # -- queries -----------------------------------------------------------------------------

    @property
    def slug_locked(self) -> bool:
        """Once a release was announced (embargo) or public, its URL must not change."""
        return self.published_at is not None or self.status in (Status.EMBARGOED,)

    @property
    def due_at(self) -> datetime | None:
        """When the scheduler must publish it (scheduled or embargoed), else ``None``."""
        if self.status is Status.SCHEDULED:
            return self.publish_at
        if self.status is Status.EMBARGOED:
            return self.embargo_until
        return None

    def allowed_actions(self, *, requires_approval: bool) -> list[Action]:
        return allowed_actions(self.status, requires_approval=requires_approval)

    def check_version(self, expected: int | None) -> None:
        """Optimistic concurrency: ``If-Match`` must name the current version when given."""
        if expected is not None and expected != self.version:
            raise VersionMismatchError(expected, self.version)

    # -- commands ----------------------------------------------------------------------------

    def edit(
        self,
        changes: ContentChanges,
        *,
        known_media: Mapping[str, MediaRef],
        requires_approval: bool,
        actor: str,
        now: datetime,
    ) -> bool:
        """Apply content changes; ``False`` when nothing actually changed (no new version).

        In review or approved, an edit sends the release back to draft; published, it is a
        correction and the release stays published.
        """
        target = next_status(self.status, Action.EDIT, requires_approval=requires_approval)
        content = apply_changes(self.content, changes)
        if content == self.content:
            return False
        self.content = content
        self.media = media_refs(content.media_ids, self.media, known_media)
        self._move(target, Action.EDIT, actor, now)
        return True

    def rename(self, slug: str) -> None:
        """Give the release a new slug (from a new title); only while its URL is not public."""
        if not self.slug_locked:
            self.slug = slug

    def submit(self, *, requires_approval: bool, actor: str, now: datetime) -> None:
        target = next_status(self.status, Action.SUBMIT, requires_approval=requires_approval)
        self._move(target, Action.SUBMIT, actor, now)

    def approve(self, *, requires_approval: bool, actor: str, now: datetime) -> None:
        target = next_status(self.status, Action.APPROVE, requires_approval=requires_approval)
        self.review_comment = ""
        self._move(target, Action.APPROVE, actor, now)

    def reject(self, comment: str, *, requires_approval: bool, actor: str, now: datetime) -> None:
        target = next_status(self.status, Action.REJECT, requires_approval=requires_approval)
        self.review_comment = require_text(
            "comment", comment, max_length=limits.REASON_MAX, required=True
        )
        self._move(target, Action.REJECT, actor, now)

    def schedule(
        self, publish_at: datetime, *, requires_approval: bool, actor: str, now: datetime
    ) -> None:
        target = next_status(self.status, Action.SCHEDULE, requires_approval=requires_approval)
        self.publish_at = _future("publish_at", publish_at, now)
        self._move(target, Action.SCHEDULE, actor, now)

    def unschedule(self, *, requires_approval: bool, actor: str, now: datetime) -> None:
        target = next_status(self.status, Action.UNSCHEDULE, requires_approval=requires_approval)
        self.publish_at = None
        self._move(target, Action.UNSCHEDULE, actor, now)

    def publish(self, *, requires_approval: bool, actor: str, now: datetime) -> None:
        target = next_status(self.status, Action.PUBLISH, requires_approval=requires_approval)
        self.published_at = now
        self._move(target, Action.PUBLISH, actor, now)

    def embargo(
        self, until: datetime, *, requires_approval: bool, actor: str, now: datetime
    ) -> None:
        target = next_status(self.status, Action.EMBARGO, requires_approval=requires_approval)
        self.embargo_until = _future("embargo_until", until, now)
        self._move(target, Action.EMBARGO, actor, now)

    def publish_if_due(self, now: datetime) -> bool:
        """The scheduler's step: publish when scheduled or lift the embargo; ``False`` if not due.

        ``published_at`` is the due time itself (the moment announced to journalists), even when
        the scheduler runs a little later.
        """
        due = self.due_at
        if due is None or due > now:
            return False
        action = Action.PUBLISH_DUE if self.status is Status.SCHEDULED else Action.LIFT_EMBARGO
        target = next_status(self.status, action, requires_approval=False)
        self.published_at = due
        self._move(target, action, SCHEDULER, now)
        return True

    def withdraw(self, reason: str, *, requires_approval: bool, actor: str, now: datetime) -> None:
        target = next_status(self.status, Action.WITHDRAW, requires_approval=requires_approval)
        self.withdraw_reason = require_text("reason", reason, max_length=limits.REASON_MAX)
        self.withdrawn_at = now
        self._move(target, Action.WITHDRAW, actor, now)

    def check_deletable(self, *, requires_approval: bool) -> None:
        """Only releases that never went out may be deleted (others are withdrawn instead)."""
        next_status(self.status, Action.DELETE, requires_approval=requires_approval)

    def check_previewable(self) -> datetime:
        """Preview links exist for embargoed releases only; they expire at the lift."""
        if self.status is not Status.EMBARGOED or self.embargo_until is None:
            raise IllegalTransitionError(
                "create a preview link for", self.status, [],
                reason="preview links are for embargoed releases",
            )  # fmt: skip
        return self.embargo_until

    def update_media(self, ref: MediaRef) -> bool:
        """Record the media service's news about one item; ``False`` if this release lacks it.

        Not a new version: the content did not change, and editors' ``If-Match`` stays valid.
        """
        if all(r.media_id != ref.media_id for r in self.media):
            return False
        self.media = [ref if r.media_id == ref.media_id else r for r in self.media]
        return True

    def drop_media(self, media_id: str, now: datetime) -> bool:
        """The media item is gone: remove the ref (and the social card if it was that one)."""
        if all(r.media_id != media_id for r in self.media):
            return False
        self.media = [r for r in self.media if r.media_id != media_id]
        card = self.content.social_card_media_id
        self.content = replace(
            self.content,
            media_ids=[i for i in self.content.media_ids if i != media_id],
            social_card_media_id=None if card == media_id else card,
        )
        self.updated_at = now
        return True

    def ready_media_ids(self) -> list[str]:
        return [r.media_id for r in self.media if r.state is MediaState.READY]

    def _move(self, target: Status | None, action: Action, actor: str, now: datetime) -> None:
        assert target is not None, "DELETE has no target status"
        self.status = target
        self.version += 1
        self.last_action = action
        self.updated_at = now
        self.updated_by = actor


def _future(field_name: str, moment: datetime, now: datetime) -> datetime:
    if moment.tzinfo is None:
        raise InvalidInputError(field_name, "must include a timezone (e.g. 2030-01-01T09:00:00Z)")
    try:
        moment = to_ms(moment)
    except OverflowError:
        raise InvalidInputError(field_name, "is out of range") from None
    if moment <= now:
        raise InvalidInputError(
            field_name,
            f"must be in the future (now is {now.isoformat()}, got {moment.isoformat()})",
        )
    if moment - now > limits.SCHEDULE_HORIZON:
        raise InvalidInputError(
            field_name, f"must be within {limits.SCHEDULE_HORIZON.days} days from now"
        )
    return moment
