"""Canonical URLs and near-copy fingerprints."""

from __future__ import annotations

import pytest

from listening.domain.dedupe import bands, canonical_url, minhash, near, similarity, url_key
from listening.domain.text import words


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.Example.com/a/", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("HTTPS://example.com/a?fbclid=abc", "https://example.com/a"),
    ],
)
def test_the_same_page_has_one_canonical_url(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)
    assert url_key(a) == url_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.com/a", "https://example.com/b"),
        ("https://example.com/a?id=1", "https://example.com/a?id=2"),
        ("https://example.com:8443/a", "https://example.com/a"),
        ("http://example.com/A", "http://example.com/a"),  # paths are case-sensitive
    ],
)
def test_different_pages_differ(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)


ORIGINAL = (
    "Acme's Roadrunner 2 keeps breaking down after the latest update and support has not "
    "answered my emails for a week. Really disappointed with the company this time."
)


def signature(text: str) -> tuple[int, ...]:
    return minhash(words(text))


def test_a_repost_with_a_word_changed_is_a_near_copy() -> None:
    edited = ORIGINAL.replace("a week", "two weeks") + " #fail"
    assert near(signature(ORIGINAL), signature(edited))


def test_case_and_punctuation_do_not_matter() -> None:
    assert signature(ORIGINAL) == signature(ORIGINAL.upper().replace(".", "!"))


def test_a_different_post_is_not_a_near_copy() -> None:
    other = (
        "The new Roadrunner 2 from Acme is the best purchase I made this year, fast delivery "
        "and friendly support. Highly recommended to everyone."
    )
    assert not near(signature(ORIGINAL), signature(other))


def test_near_copies_share_a_band_and_others_rarely_do() -> None:
    original = signature(ORIGINAL)
    copy = signature(ORIGINAL.replace("a week", "two weeks") + " #fail")
    assert set(bands(original)) & set(bands(copy))
    unrelated = [
        signature(f"post number {n} says something else entirely {n * 7}") for n in range(50)
    ]
    sharing = [s for s in unrelated if set(bands(original)) & set(bands(s))]
    assert len(sharing) <= 2


def test_similarity_estimates_the_share_of_common_shingles() -> None:
    text = " ".join(f"w{n}" for n in range(200))
    half = " ".join(f"w{n}" for n in range(100)) + " " + " ".join(f"x{n}" for n in range(100))
    assert similarity(signature(text), signature(text)) == 1.0
    # 98 of 296 distinct shingles in common: about a third
    assert 0.15 <= similarity(signature(text), signature(half)) <= 0.5


def test_very_short_texts_compare_by_words() -> None:
    assert near(signature("Acme rocks"), signature("acme ROCKS!"))
    assert not near(signature("Acme rocks"), signature("Acme sucks"))
