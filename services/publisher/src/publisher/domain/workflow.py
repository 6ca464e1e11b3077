"""The release workflow as a table: which action moves a release from which status to which.

::

    draft ──submit──> in_review ──approve (admin)──> approved
      ^  <──reject (comment)──┘                         │
      │                                                 │ (edit: back to draft)
      ├─ draft|approved ──schedule──> scheduled ──(due, scheduler)──> published
      │                                   └──unschedule──> draft
      ├─ draft|approved ──publish──> published ──withdraw──> withdrawn
      └─ draft|approved ──publish with embargo──> embargoed ──(lift, scheduler)──> published
                                                     └──withdraw──> withdrawn

Where the newsroom requires approval, schedule/publish/embargo start from ``approved`` only.
Editing a published release is a correction: it stays published.
"""

from __future__ import annotations

from enum import StrEnum

from publisher.domain.errors import IllegalTransitionError


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    EMBARGOED = "embargoed"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    EDIT = "edit"
    DELETE = "delete"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    PUBLISH = "publish"
    EMBARGO = "embargo"
    WITHDRAW = "withdraw"
    # Taken by the scheduler, never by staff:
    PUBLISH_DUE = "publish_due"
    LIFT_EMBARGO = "lift_embargo"


DELETED = None  # the target of DELETE: the release ends

TRANSITIONS: dict[Status, dict[Action, Status | None]] = {
    Status.DRAFT: {
        Action.EDIT: Status.DRAFT,
        Action.DELETE: DELETED,
        Action.SUBMIT: Status.IN_REVIEW,
        Action.SCHEDULE: Status.SCHEDULED,
        Action.PUBLISH: Status.PUBLISHED,
        Action.EMBARGO: Status.EMBARGOED,
    },
    Status.IN_REVIEW: {
        Action.EDIT: Status.DRAFT,
        Action.DELETE: DELETED,
        Action.APPROVE: Status.APPROVED,
        Action.REJECT: Status.DRAFT,
    },
    Status.APPROVED: {
        Action.EDIT: Status.DRAFT,
        Action.DELETE: DELETED,
        Action.SCHEDULE: Status.SCHEDULED,
        Action.PUBLISH: Status.PUBLISHED,
        Action.EMBARGO: Status.EMBARGOED,
    },
    Status.SCHEDULED: {
        Action.UNSCHEDULE: Status.DRAFT,
        Action.PUBLISH_DUE: Status.PUBLISHED,
    },
    Status.EMBARGOED: {
        Action.WITHDRAW: Status.WITHDRAWN,
        Action.LIFT_EMBARGO: Status.PUBLISHED,
    },
    Status.PUBLISHED: {
        Action.EDIT: Status.PUBLISHED,
        Action.WITHDRAW: Status.WITHDRAWN,
    },
    Status.WITHDRAWN: {},
}

SYSTEM_ACTIONS = frozenset({Action.PUBLISH_DUE, Action.LIFT_EMBARGO})
# Actions that make a release public (or public to invitees): gated by approval when required.
GOING_PUBLIC = frozenset({Action.SCHEDULE, Action.PUBLISH, Action.EMBARGO})


def _gated(status: Status, action: Action, requires_approval: bool) -> bool:
    return requires_approval and action in GOING_PUBLIC and status is not Status.APPROVED


def allowed_actions(status: Status, *, requires_approval: bool) -> list[Action]:
    """What staff may do to a release in ``status`` (shown in the API and in 409 messages)."""
    return [
        action
        for action in TRANSITIONS[status]
        if action not in SYSTEM_ACTIONS and not _gated(status, action, requires_approval)
    ]


def next_status(status: Status, action: Action, *, requires_approval: bool) -> Status | None:
    """The status after ``action``, or :class:`IllegalTransitionError` naming what is allowed."""
    targets = TRANSITIONS[status]
    allowed = [str(a) for a in allowed_actions(status, requires_approval=requires_approval)]
    if action not in targets:
        raise IllegalTransitionError(action, status, allowed)
    if _gated(status, action, requires_approval):
        raise IllegalTransitionError(
            action, status, allowed, reason="the newsroom requires approval first"
        )
    return targets[action]
