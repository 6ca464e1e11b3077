"""What the request schema admits, the domain accepts: the edge cases fuzzing found."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from newsroom_shared.patterns import NOT_BLANK_PATTERN
from publisher.domain import limits
from publisher.domain.content import ContentChanges, new_content
from publisher.domain.newsroom import Newsroom
from publisher.domain.values import EMAIL_PATTERN, PHONE_PATTERN, ContactPerson

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_a_tag_at_the_limit_that_lowercasing_lengthens_is_kept() -> None:
    tag = "İ" * limits.TAG_MAX  # "İ".lower() is two characters
    content = new_content(ContentChanges(title="T", tags=[tag]), "en")
    assert content.tags == [tag.lower()]


@pytest.mark.parametrize("name", ["0", "☃", "!!"])
def test_a_name_that_gives_no_slug_gets_one_from_the_id(name: str) -> None:
    newsroom = Newsroom.create(tenant_id="t", name=name, default_language="en", now=NOW)
    assert newsroom.slug == f"newsroom-{newsroom.id}"


@pytest.mark.parametrize("space", ["\x1c", "\x1f", "\x85", "\u2028", "\ufeff"])
def test_the_email_pattern_refuses_what_python_strips(space: str) -> None:
    assert re.fullmatch(EMAIL_PATTERN, f"a{space}b@example.com") is None
    assert re.search(NOT_BLANK_PATTERN, space * 3) is None


def test_an_email_the_pattern_admits_is_accepted_as_is() -> None:
    address = "ÄÖ+x@bücher.example"
    assert re.fullmatch(EMAIL_PATTERN, address)
    assert ContactPerson.create("Jane", email=address).email == address


@pytest.mark.parametrize("phone", ["+(( ", " 12", "123 "])
def test_the_phone_pattern_refuses_edge_spaces_the_domain_would_strip(phone: str) -> None:
    assert re.fullmatch(PHONE_PATTERN, phone) is None


@pytest.mark.parametrize("phone", ["+ 51", "+44 20 7946 0000", "(0)30-1234", "+" + "1" * 39])
def test_a_phone_the_pattern_admits_is_kept_as_given(phone: str) -> None:
    assert re.fullmatch(PHONE_PATTERN, phone)
    assert ContactPerson.create("Jane", phone=phone).phone == phone
