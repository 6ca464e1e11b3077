"""Our own comments as listening knows them (from the comments service's events): what a
mention can be answered by, and which comments moderation took down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

TAKEN_DOWN = frozenset({"spam", "rejected", "hidden"})
"""Moderation decisions after which a comment's mention leaves the inbox."""


@dataclass(frozen=True, slots=True)
class KnownComment:
    tenant_id: str
    comment_id: str
    release_id: str
    status: str
    """pending, approved, rejected, spam or hidden: the latest word of the comments service."""
    official: bool = False
    """Written by staff for the company (an official reply): never a mention, edited or not."""
    author: str | None = None
    edited_at: datetime | None = None
    """When its text last changed (None: never, as far as listening heard)."""

    @property
    def taken_down(self) -> bool:
        return self.status in TAKEN_DOWN


def moderation_mark(status: str) -> str | None:
    """What a comment's mention is marked with: the decision that took it down, else None."""
    return status if status in TAKEN_DOWN else None
