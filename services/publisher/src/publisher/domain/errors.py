"""What can go wrong in the domain; the HTTP layer maps each kind to one status code."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """Base of every rule violation; ``str(error)`` is a message fit for the API client."""


class InvalidInputError(DomainError):
    """A value breaks a limit or a format rule (HTTP 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class IllegalTransitionError(DomainError):
    """The action is not allowed in the release's current status (HTTP 409)."""

    def __init__(self, action: str, status: str, allowed: Sequence[str], reason: str = "") -> None:
        because = f" ({reason})" if reason else ""
        allowed_text = ", ".join(allowed) or "none"
        super().__init__(
            f"cannot {action} a release in status '{status}'{because}; "
            f"allowed actions: {allowed_text}"
        )
        self.action = action
        self.status = status
        self.allowed = list(allowed)


class VersionMismatchError(DomainError):
    """``If-Match`` named another version than the current one (HTTP 412)."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"If-Match names version {expected} but the current version is {actual}; "
            "reload the resource and retry"
        )
        self.expected = expected
        self.actual = actual


class NotFoundError(DomainError):
    """No such resource in the caller's tenant (HTTP 404; other tenants' data looks absent)."""

    def __init__(self, kind: str, identifier: str) -> None:
        super().__init__(f"{kind} {identifier!r} not found")
        self.kind = kind


class AlreadyExistsError(DomainError):
    """A unique name is taken (HTTP 409)."""


class NotAllowedError(DomainError):
    """A rule forbids the action whatever the status (HTTP 409): e.g. revoking the last admin."""


class MediaNotPublishableError(DomainError):
    """The release's media keep it from going public (HTTP 422 naming each item and why)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        # (media id, reason) pairs, in the release's media order
        self.problems = list(problems)
        names = ", ".join(repr(media_id) for media_id, _ in self.problems)
        super().__init__(f"the release cannot go public until its media are ready: {names}")


class ConcurrentModificationError(DomainError):
    """Someone else changed the aggregate between our read and our write; retry the command."""
