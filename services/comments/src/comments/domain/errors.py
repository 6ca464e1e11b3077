"""What can go wrong in the domain; the HTTP layer maps each kind to one status code."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule violation; ``str(error)`` is a message fit for the API client."""


class InvalidInputError(DomainError):
    """A value breaks a limit or a format rule (HTTP 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class NotFoundError(DomainError):
    """No such resource in the caller's tenant (HTTP 404; other tenants' data looks absent)."""

    def __init__(self, kind: str, identifier: str) -> None:
        super().__init__(f"{kind} {identifier!r} not found")
        self.kind = kind


class ClosedError(DomainError):
    """The release takes no comments (withdrawn, or its newsroom's period ended) (HTTP 409)."""


class NotAllowedError(DomainError):
    """A rule forbids the action in the current state (HTTP 409)."""


class ForbiddenError(DomainError):
    """The commenter is banned in this tenant (HTTP 403)."""


class TokenError(DomainError):
    """An author token that is not valid for this comment (HTTP 403), or has expired (410)."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


class RateLimitedError(DomainError):
    """Too many comments from one email address (HTTP 429)."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__("too many comments from this email address: wait a minute")
        self.retry_after_s = retry_after_s


class TenantMismatchError(DomainError):
    """An event names an aggregate another tenant already has (ids are global): it can never
    be applied, whatever happens next."""


class ConcurrentModificationError(DomainError):
    """Someone else changed the aggregate between our read and our write; retry the command."""


class RefusedWriteError(Exception):
    """The database refused to store something a command wrote (a unique key taken): a fault of
    that record, not of the caller's input, so not a DomainError (HTTP 500). A batch of new
    comments that meets one is accepted again in parts, so only the comment at fault fails."""
