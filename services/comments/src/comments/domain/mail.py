"""The two emails this service sends its commenters itself (their address never leaves it):
the author's link to manage a comment, and the link that verifies a comment's address.

A mail is rendered when it is queued, in the same transaction as the comment it is about, in
the newsroom's language; a background loop sends it later (``service/mailing.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class MailKind(StrEnum):
    author_link = "author_link"
    """After posting: the link to edit or delete the comment within the edit window."""
    verification = "verification"
    """Before a comment shows, where the newsroom asks for it: the link that verifies it."""


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True, slots=True)
class Mail:
    id: str
    tenant_id: str
    comment_id: str
    kind: MailKind
    recipient: str
    content: Rendered
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    """A queued mail claimed by one sender until ``claimed_until``: only the claim's holder
    may mark it sent or schedule it again."""

    mail: Mail
    claim: str
    attempts: int
    """Attempts made before this one."""


class SendError(Exception):
    """The mail server refused or could not be reached; ``permanent``: trying again cannot
    help (a 5xx answer, such as an address that does not exist)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long a claim lasts and how the attempts of one mail are spread."""

    lease: timedelta
    max_attempts: int
    first_retry: timedelta
    max_retry: timedelta

    def next_try(self, attempts_made: int, now: datetime) -> datetime | None:
        """When to try again after ``attempts_made`` failures; None: give up."""
        if attempts_made >= self.max_attempts:
            return None
        delay: timedelta = min(self.first_retry * 2 ** (attempts_made - 1), self.max_retry)
        return now + delay
