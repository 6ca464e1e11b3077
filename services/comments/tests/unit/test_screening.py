"""The newsroom's rules on a new comment: refuse, hold (with the reasons), or let through."""

from __future__ import annotations

import pytest

from comments.domain.comment import Status
from comments.domain.errors import InvalidInputError
from comments.domain.markup import sanitise
from comments.domain.screening import Facts, screen
from comments.domain.settings import CommentSettings, ModerationMode


def settings(**fields: object) -> CommentSettings:
    return CommentSettings(tenant_id="t", newsroom_id="n", **fields)  # type: ignore[arg-type]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


POST = settings(mode=ModerationMode.post)
NOTHING = Facts()


def test_post_moderation_shows_a_clean_comment_at_once() -> None:
    assert screen(sanitise("Nice launch"), POST, NOTHING).status is Status.approved


def test_pre_moderation_holds_every_comment() -> None:
    verdict = screen(sanitise("Nice launch"), settings(mode=ModerationMode.pre), NOTHING)
    assert (verdict.status, verdict.reasons) == (Status.pending, ("moderation_mode",))


def test_pre_until_approved_holds_until_the_author_has_enough_approved() -> None:
    rules = settings(mode=ModerationMode.pre_until_approved, approvals_needed=2)
    body = sanitise("Nice launch")
    assert screen(body, rules, Facts(approved_before=1)).status is Status.pending
    assert screen(body, rules, Facts(approved_before=2)).status is Status.approved


def test_a_filled_honeypot_is_spam_whatever_else() -> None:
    verdict = screen(sanitise("Buy now"), POST, Facts(honeypot_filled=True))
    assert (verdict.status, verdict.reasons) == (Status.spam, ("honeypot",))


def test_a_banned_word_refuses_the_comment_in_any_case_or_width() -> None:
    rules = settings(mode=ModerationMode.post, banned_words=("Scam",))
    for text in ("What a SCAM.", "what a " + full_width("scam"), "scam"):
        with pytest.raises(InvalidInputError):
            screen(sanitise(text), rules, NOTHING)
    # Whole words only: "scampi" is food.
    assert screen(sanitise("Love the scampi"), rules, NOTHING).status is Status.approved


def test_holds_name_every_reason_that_applies() -> None:
    rules = settings(mode=ModerationMode.post, suspect_words=("refund now",), max_links=1)
    body = sanitise("I want a Refund  now! https://a.example https://b.example and more words")
    verdict = screen(body, rules, Facts(duplicate=True))
    assert verdict.status is Status.pending
    assert verdict.reasons == ("suspect_word", "too_many_links", "duplicate_text")


def test_short_texts_are_never_held_as_duplicates() -> None:
    assert screen(sanitise("Thanks!"), POST, Facts(duplicate=True)).status is Status.approved


def test_settings_refuse_impossible_values_and_clean_word_lists() -> None:
    with pytest.raises(InvalidInputError):
        settings(approvals_needed=0)
    with pytest.raises(InvalidInputError):
        settings(open_days=0)
    assert settings(banned_words=(" Spam ", "spam", "", "EGGS")).banned_words == ("spam", "eggs")
