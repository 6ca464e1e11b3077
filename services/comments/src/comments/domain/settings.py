"""A newsroom's comment settings: how comments are moderated, how long a release takes them,
which words are refused or held, how many links a comment may carry."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from enum import StrEnum

from comments.domain.errors import InvalidInputError
from comments.domain.markup import normalised

MAX_WORDS = 500
MAX_WORD_CHARS = 100


class ModerationMode(StrEnum):
    pre = "pre"
    """Every comment waits for a moderator."""
    post = "post"
    """Comments show at once; moderators act afterwards."""
    pre_until_approved = "pre_until_approved"
    """A commenter's comments wait until ``approvals_needed`` of theirs were approved."""


@dataclass(frozen=True, slots=True)
class CommentSettings:
    tenant_id: str
    newsroom_id: str
    mode: ModerationMode = ModerationMode.pre
    approvals_needed: int = 1
    open_days: int | None = None
    """Comments close this many days after publication; None: open until withdrawn."""
    max_links: int = 2
    """More links than this hold a comment for a moderator."""
    banned_words: tuple[str, ...] = field(default_factory=tuple)
    """A comment containing one is refused."""
    suspect_words: tuple[str, ...] = field(default_factory=tuple)
    """A comment containing one waits for a moderator."""
    verify_email: bool = False
    """A comment shows (and is announced) only once its author followed the link mailed to
    the address; an address verified in the newsroom needs it again only after a while."""

    def __post_init__(self) -> None:
        if self.approvals_needed < 1:
            raise InvalidInputError("approvals_needed", "must be at least 1")
        if self.open_days is not None and self.open_days < 1:
            raise InvalidInputError("open_days", "must be at least 1 (or null: no limit)")
        if self.max_links < 0:
            raise InvalidInputError("max_links", "must not be negative")
        for name in ("banned_words", "suspect_words"):
            words: tuple[str, ...] = getattr(self, name)
            if len(words) > MAX_WORDS:
                raise InvalidInputError(name, f"at most {MAX_WORDS} entries")
            cleaned = _cleaned(words)
            if any(len(w) > MAX_WORD_CHARS for w in cleaned):
                raise InvalidInputError(name, f"each entry at most {MAX_WORD_CHARS} characters")
            object.__setattr__(self, name, cleaned)

    @classmethod
    def defaults(cls, tenant_id: str, newsroom_id: str) -> CommentSettings:
        """What a newsroom that never changed its settings has: pre-moderation, no period."""
        return cls(tenant_id=tenant_id, newsroom_id=newsroom_id)


@functools.lru_cache(maxsize=256)
def _cleaned(words: tuple[str, ...]) -> tuple[str, ...]:
    """Normalised, without blanks and repeats; cached: settings are loaded on every post."""
    return tuple(dict.fromkeys(normalised(w) for w in words if normalised(w)))
