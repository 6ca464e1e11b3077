"""Errors the domain raises; the HTTP layer maps each to a 4xx problem."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the listening domain's errors."""


class QuerySyntaxError(DomainError):
    """A query that does not parse, or parses into something that cannot be matched."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at position {position})")
        self.message = message
        self.position = position
        """0-based character offset in the query text."""


class NotFoundError(DomainError):
    def __init__(self, kind: str, identifier: str) -> None:
        super().__init__(f"{kind} {identifier} not found")


class LimitReachedError(DomainError):
    """The tenant already has as many of something as it may."""


class UnknownAnswerError(DomainError):
    """A mention was linked to a release or comment the tenant does not have (as far as
    listening knows from the publisher's and the comments service's events)."""

    def __init__(self, kind: str, identifier: str) -> None:
        super().__init__(f"no {kind} {identifier!r} of yours is known here")
        self.kind = kind


class InvalidPostError(DomainError):
    """An inbound post's body is not what the source must send."""


class BadSignatureError(DomainError):
    """An inbound webhook's signature does not verify (or its timestamp is too old)."""


class ConcurrentModificationError(DomainError):
    """Another transaction changed the same document first; the command may run again."""


class InvalidFeedUrlError(DomainError):
    """A feed URL we may not call (not https, an internal address...); the message says why."""


class DuplicateFeedError(DomainError):
    """The tenant already polls this feed URL."""


class ClaimLostError(DomainError):
    """A feed's poll outlived its claim (its lease ran out and another replica took it, or the
    feed was deleted): what it fetched is dropped, the other poll stands."""


class InvalidSpikeRuleError(DomainError):
    """A query's spike thresholds that make no sense together or alone."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field} {why}")
        self.field = field


class DuplicateError(DomainError):
    """The tenant already has this (a source following the same timeline)."""
