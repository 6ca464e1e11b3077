"""Each network's length, counted its way (examples worked out from the networks' rules)."""

import pytest

from distribution.domain.social import Network, TextLimit, length, limit_for, mastodon_limit

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one grapheme, 5 code points, 18 bytes
THUMBS_UP_MEDIUM = "\U0001f44d\U0001f3fd"
FLAG_FR = "\U0001f1eb\U0001f1f7"
KEYCAP_ONE = "1\ufe0f\u20e3"
LONG_URL = "https://news.example.com/releases/" + "a" * 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", 5),
        (FAMILY, 1),
        ("e\u0301", 1),  # a letter with a combining accent is one grapheme
        (FLAG_FR, 1),
        (LONG_URL, len(LONG_URL)),  # Bluesky counts links in full
    ],
)
def test_bluesky_counts_graphemes(text: str, expected: int) -> None:
    assert length(text, Network.BLUESKY) == expected


def test_bluesky_limits_graphemes_and_bytes() -> None:
    limit = limit_for(Network.BLUESKY)
    assert limit.fits("a" * 300)
    assert not limit.fits("a" * 301)
    # 300 graphemes, but 5400 UTF-8 bytes: over the record's 3000-byte cap.
    assert length(FAMILY * 300, Network.BLUESKY) == 300
    assert not limit.fits(FAMILY * 300)
    assert limit.fits(FAMILY * 166)  # 2988 bytes


def test_mastodon_counts_code_points_and_every_link_as_23() -> None:
    assert length("café", Network.MASTODON) == 4
    assert length(FAMILY, Network.MASTODON) == 5
    assert length(LONG_URL, Network.MASTODON) == 23
    assert length("https://a.co", Network.MASTODON) == 23  # short links count 23 too
    text = "x" * 476 + " " + LONG_URL
    assert length(text, Network.MASTODON) == 500
    assert limit_for(Network.MASTODON).fits(text)
    assert not limit_for(Network.MASTODON).fits("y" + text)


def test_mastodon_link_trailing_punctuation_is_text() -> None:
    assert length(f"See {LONG_URL}.", Network.MASTODON) == 4 + 23 + 1
    assert length(f"(see {LONG_URL})", Network.MASTODON) == 5 + 23 + 1


def test_mastodon_limit_takes_an_instance_s_numbers() -> None:
    limit = mastodon_limit(max_characters=1000, url_length=30)
    assert limit.length(f"ab {LONG_URL}") == 3 + 30
    assert limit.fits("x" * 1000)
    assert not limit.fits("x" * 1001)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", 5),
        ("日本語", 6),  # CJK weighs 2
        ("한국어", 6),  # so does Hangul
        ("Ωмега", 5),  # Greek and Cyrillic are under U+1100: weight 1
        ("\u2014\u2018\u2019", 3),  # em dash and quotes are in the light ranges
        ("\u2026", 2),  # the ellipsis (U+2026) is not
        ("e\u0301", 1),  # counted after NFC: one é
        (THUMBS_UP_MEDIUM, 2),
        (FAMILY, 2),
        (FLAG_FR, 2),
        (KEYCAP_ONE, 2),
        ("1", 1),  # a digit alone is no emoji
        (LONG_URL, 23),
        (f"a {LONG_URL} 日", 2 + 23 + 1 + 2),
    ],
)
def test_x_weighs_per_twitter_text_v3(text: str, expected: int) -> None:
    assert length(text, Network.X) == expected


def test_x_limit_is_280_weighted() -> None:
    limit = limit_for(Network.X)
    assert limit.fits("日" * 140)
    assert not limit.fits("日" * 141)
    assert limit.fits("a" * 280)
    assert limit.fits(THUMBS_UP_MEDIUM * 140)
    assert not limit.fits(THUMBS_UP_MEDIUM * 141)


@pytest.mark.parametrize(
    ("network", "maximum"), [(Network.LINKEDIN, 3000), (Network.FACEBOOK, 63_206)]
)
def test_linkedin_and_facebook_count_code_points(network: Network, maximum: int) -> None:
    limit = limit_for(network)
    assert length(LONG_URL, network) == len(LONG_URL)
    assert limit.fits("é" * maximum)
    assert not limit.fits("é" * (maximum + 1))


def test_text_limit_is_a_strategy_of_its_own() -> None:
    limit = TextLimit(max_length=3, count=len, max_bytes=4)
    assert limit.fits("abc")
    assert not limit.fits("abcd")
    assert not limit.fits("éé ")  # 3 code points, 5 bytes
