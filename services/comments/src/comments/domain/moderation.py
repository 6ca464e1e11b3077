"""Moderators' decisions, bans, and the audit log that records every one of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from comments.domain.comment import Status


class Decision(StrEnum):
    """The contract's ``ModerationDecision``: the comment's status from now on."""

    approved = "approved"
    rejected = "rejected"
    spam = "spam"
    hidden = "hidden"

    @property
    def status(self) -> Status:
        return Status(self.value)


class BanKind(StrEnum):
    email = "email"
    client = "client"


@dataclass(frozen=True, slots=True)
class Ban:
    tenant_id: str
    kind: BanKind
    digest: str
    reason: str
    banned_at: datetime
    by_key_id: str

    @property
    def id(self) -> str:
        return f"{self.kind.value}:{self.digest}"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One decision: a moderator's (``actor`` is the staff key id), the filter's (``None``), or
    the author's own deletion (``"author"``)."""

    id: str
    tenant_id: str
    action: str
    at: datetime
    actor: str | None
    reason: str = ""
    comment_id: str | None = None
    release_id: str | None = None
    target: str | None = None
    """For bans: ``email:<digest>`` or ``client:<digest>``."""
