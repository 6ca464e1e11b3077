import pytest

from publisher.domain.errors import IllegalTransitionError
from publisher.domain.workflow import Action, Status, allowed_actions, next_status


def test_the_happy_path_through_review() -> None:
    status = Status.DRAFT
    for action, expected in [
        (Action.SUBMIT, Status.IN_REVIEW),
        (Action.APPROVE, Status.APPROVED),
        (Action.PUBLISH, Status.PUBLISHED),
        (Action.WITHDRAW, Status.WITHDRAWN),
    ]:
        target = next_status(status, action, requires_approval=True)
        assert target is expected
        status = target


@pytest.mark.parametrize(
    ("status", "action", "target"),
    [
        (Status.DRAFT, Action.SCHEDULE, Status.SCHEDULED),
        (Status.DRAFT, Action.EMBARGO, Status.EMBARGOED),
        (Status.IN_REVIEW, Action.REJECT, Status.DRAFT),
        (Status.IN_REVIEW, Action.EDIT, Status.DRAFT),
        (Status.APPROVED, Action.EDIT, Status.DRAFT),
        (Status.SCHEDULED, Action.UNSCHEDULE, Status.DRAFT),
        (Status.SCHEDULED, Action.PUBLISH_DUE, Status.PUBLISHED),
        (Status.EMBARGOED, Action.LIFT_EMBARGO, Status.PUBLISHED),
        (Status.PUBLISHED, Action.EDIT, Status.PUBLISHED),
    ],
)
def test_allowed_transitions(status: Status, action: Action, target: Status) -> None:
    assert next_status(status, action, requires_approval=False) is target


def test_an_illegal_transition_names_the_status_and_the_allowed_actions() -> None:
    with pytest.raises(IllegalTransitionError) as raised:
        next_status(Status.PUBLISHED, Action.PUBLISH, requires_approval=False)
    message = str(raised.value)
    assert "'published'" in message
    assert "allowed actions: edit, withdraw" in message
    assert raised.value.allowed == ["edit", "withdraw"]


def test_withdrawn_is_final() -> None:
    assert allowed_actions(Status.WITHDRAWN, requires_approval=False) == []
    with pytest.raises(IllegalTransitionError, match="allowed actions: none"):
        next_status(Status.WITHDRAWN, Action.EDIT, requires_approval=False)


@pytest.mark.parametrize("action", [Action.PUBLISH, Action.SCHEDULE, Action.EMBARGO])
def test_approval_gates_going_public_from_draft(action: Action) -> None:
    with pytest.raises(IllegalTransitionError, match="requires approval"):
        next_status(Status.DRAFT, action, requires_approval=True)
    assert next_status(Status.APPROVED, action, requires_approval=True) is not None


def test_allowed_actions_hide_gated_and_system_actions() -> None:
    assert allowed_actions(Status.DRAFT, requires_approval=True) == ["edit", "delete", "submit"]
    assert allowed_actions(Status.SCHEDULED, requires_approval=False) == ["unschedule"]
    assert allowed_actions(Status.EMBARGOED, requires_approval=False) == ["withdraw"]
