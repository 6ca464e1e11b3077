"""Every address the API's pattern admits, the address rule accepts (checked by generation)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distribution.domain.addresses import ADDRESS_MAX, ADDRESS_PATTERN
from distribution.domain.subscribers import InvalidSubscriberError, normalise_email


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.from_regex(ADDRESS_PATTERN, fullmatch=True).filter(lambda a: len(a) <= ADDRESS_MAX))
def test_an_address_the_pattern_admits_is_accepted(address: str) -> None:
    normalise_email(address)


def test_the_pattern_holds_local_parts_to_rfc_5321s_64_characters() -> None:
    assert re.fullmatch(ADDRESS_PATTERN, "a" * 64 + "@example.com")
    assert re.fullmatch(ADDRESS_PATTERN, "a" * 65 + "@example.com") is None


@pytest.mark.parametrize("address", ["jo@ab--cd.example", "jo@mail.test", "jo@x.LOCAL"])
def test_the_pattern_refuses_what_the_rule_refuses(address: str) -> None:
    assert re.fullmatch(ADDRESS_PATTERN, address) is None
    with pytest.raises(InvalidSubscriberError):
        normalise_email(address)


def test_plain_addresses_match() -> None:
    for address in ("jane@example.com", "Jane.Doe+news@Mail.Example.ORG", "a@1.io"):
        assert re.fullmatch(ADDRESS_PATTERN, address)
