"""The newsroom's rules applied to a new or edited comment: refuse, hold, or let through.

In order: a filled honeypot is spam; a banned word refuses the comment (nothing is stored);
suspect words, too many links and text already posted hold it for a moderator; otherwise the
newsroom's mode decides (pre: held; post: shown; pre until N approved: shown once the author
has N approved comments).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from comments.domain.comment import Status
from comments.domain.errors import InvalidInputError
from comments.domain.markup import Body, normalised
from comments.domain.settings import CommentSettings, ModerationMode

DUPLICATE_MIN_CHARS = 20
"""Shorter texts ("Thanks!", "Great news") are said twice in good faith: never held as copies."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules need to know beyond the text, looked up by the use case."""

    honeypot_filled: bool = False
    approved_before: int = 0
    """The author's approved comments in the newsroom (up to ``approvals_needed``)."""
    duplicate: bool = False
    """The same text is already on this release, or from this author."""


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    reasons: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        return self.status is Status.pending


def screen(body: Body, settings: CommentSettings, facts: Facts) -> Verdict:
    if facts.honeypot_filled:
        return Verdict(Status.spam, ("honeypot",))
    text = normalised(body.text)
    if _contains_any(text, settings.banned_words):
        raise InvalidInputError("text", "contains a word this newsroom does not accept")
    reasons = tuple(
        reason
        for reason, holds in (
            ("suspect_word", _contains_any(text, settings.suspect_words)),
            ("too_many_links", body.links > settings.max_links),
            ("duplicate_text", facts.duplicate and len(text) >= DUPLICATE_MIN_CHARS),
        )
        if holds
    )
    if reasons:
        return Verdict(Status.pending, reasons)
    if _mode_holds(settings, facts):
        return Verdict(Status.pending, ("moderation_mode",))
    return Verdict(Status.approved)


def checks_duplicates(body: Body) -> bool:
    """Whether the duplicate rule looks at this text at all (spares the lookup otherwise)."""
    return len(normalised(body.text)) >= DUPLICATE_MIN_CHARS


def _mode_holds(settings: CommentSettings, facts: Facts) -> bool:
    if settings.mode is ModerationMode.post:
        return False
    if settings.mode is ModerationMode.pre:
        return True
    return facts.approved_before < settings.approvals_needed


def _contains_any(text: str, words: tuple[str, ...]) -> bool:
    """Whole words or phrases, so "class" does not hit "ass"."""
    return bool(words) and _matcher(words).search(text) is not None


@functools.lru_cache(maxsize=256)
def _matcher(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern per word list, built once: every comment of a newsroom uses the same lists."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")
