"""Release tags as hashtags."""

import pytest

from distribution.domain.social import hashtag_for, hashtags_for


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("python", "#python"),  # one word: kept as written
        ("climate change", "#ClimateChange"),
        ("net-zero", "#NetZero"),
        ("COVID-19", "#COVID19"),
        ("snake_case", "#snake_case"),
        ("  open   source  ", "#OpenSource"),
        ("café", "#café"),
        ("cafe\u0301 cre\u0300me", "#CaféCrème"),  # NFC first
        ("気候 変動", "#気候変動"),
        ("हिन्दी भाषा", "#हिन्दीभाषा"),  # vowel signs (marks) are kept
        ("2024", None),  # all digits: not a hashtag
        ("!!!", None),
        ("", None),
        ("a" * 64, "#" + "a" * 64),
        ("a" * 65, None),  # over Bluesky's 64 graphemes
    ],
)
def test_hashtag_for(tag: str, expected: str | None) -> None:
    assert hashtag_for(tag) == expected


def test_hashtags_drop_invalid_and_duplicates_keeping_order() -> None:
    tags = ["AI", "climate change", "ai", "2024", "Climate-Change", "energy"]
    assert hashtags_for(tags) == ["#AI", "#ClimateChange", "#energy"]
