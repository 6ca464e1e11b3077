"""The real adapters on sentences the tests choose: VADER (English, and the vendored Swedish
one) and py3langid. No I/O: both ship their lexicon or model with the code."""

from __future__ import annotations

import pytest

from listening.adapters.language import LangidDetector
from listening.adapters.sentiment import VaderSentiment
from listening.domain.mentions import label_of

VADER = VaderSentiment()


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("I love the new Roadrunner, it is absolutely brilliant!", "positive"),
        ("Acme support was helpful and quick :)", "positive"),
        ("The Roadrunner 2 is broken again and support is useless.", "negative"),
        ("Worst purchase ever. Never buying Acme again!!!", "negative"),
        ("The Roadrunner is not good.", "negative"),  # negation
        ("Acme released the Roadrunner 2 on Tuesday.", "neutral"),
    ],
)
def test_english_sentences(sentence: str, label: str) -> None:
    assert VADER.score(sentence, "en").label == label


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("Jag älskar den nya Roadrunner, den är fantastisk!", "positive"),
        ("Supporten var snabb och hjälpsam, riktigt bra.", "positive"),
        ("Roadrunner är trasig igen och supporten är usel.", "negative"),
        ("Den är inte bra.", "negative"),  # Swedish negation
        ("Acme släppte Roadrunner 2 på tisdag.", "neutral"),
    ],
)
def test_swedish_sentences(sentence: str, label: str) -> None:
    assert VADER.score(sentence, "sv").label == label


def test_each_language_reads_with_its_own_lexicon() -> None:
    # "bra" (good) is not an English word, "love" is not a Swedish one.
    assert VADER.score("bra", "sv").label == "positive"
    assert VADER.score("bra", "en").label == "neutral"
    assert VADER.score("I love it", "sv").label == "neutral"
    assert VADER.languages == ["en", "sv"]


def test_scores_stay_within_the_contracts_range() -> None:
    for text in ("AMAZING!!! BEST EVER!!! :D :D", "horrible awful terrible disgusting!!!"):
        assert -1.0 <= VADER.score(text, "en").score <= 1.0


def test_a_language_without_an_analyzer_is_neutral() -> None:
    assert VADER.score("Das ist schrecklich", "de").label == "neutral"
    assert VADER.score("anything", None).label == "neutral"


def test_a_regional_tag_uses_its_language() -> None:
    assert VADER.score("I love it", "en-GB").label == "positive"


def test_labels_follow_vaders_thresholds() -> None:
    assert [label_of(s) for s in (0.05, 0.049, -0.049, -0.05)] == [
        "positive",
        "neutral",
        "neutral",
        "negative",
    ]


@pytest.fixture(scope="module")
def detector() -> LangidDetector:
    return LangidDetector()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The new Roadrunner is broken again and support does not answer", "en"),
        ("Den nya Roadrunner är trasig igen och supporten svarar inte", "sv"),
        ("Der neue Roadrunner ist schon wieder kaputt und niemand antwortet", "de"),
    ],
)
def test_language_detection(detector: LangidDetector, text: str, language: str) -> None:
    assert detector.detect(text) == language


def test_detection_abstains_when_unsure(detector: LangidDetector) -> None:
    assert detector.detect("ok 123") is None


def test_word_frequencies_pick_the_rarer_side() -> None:
    from listening.adapters.word_frequency import commonness
    from listening.domain.query_ast import anchor_terms
    from listening.domain.query_language import parse_query

    def anchors(text: str) -> list[str]:
        return [term.text for term in anchor_terms(parse_query(text), commonness)]

    assert anchors("brand7* AND support") == ["brand7*"]  # the length rule would pick "support"
    assert anchors("acme AND (outage OR broken)") == ["acme"]
    assert anchors('"the acme" AND roadrunner') == ["roadrunner"]  # a phrase: its rarest word
    assert anchors("supporten NEAR/2 acme") == ["acme"]  # Swedish counts too
