"""Sentiment behind the one port (:class:`listening.service.ports.SentimentAnalyzer`): VADER,
a lexicon and rules tuned to social media, per language.

English uses the ``vaderSentiment`` package; Swedish the Swedish VADER (lexicon, negations and
boosters of its own), vendored under ``adapters/vader_swedish`` because its package installs a
module of the English one's name (see its PROVENANCE.md). Posts in a language without an
analyzer here score 0 (neutral): a lexicon of another language would read noise into them. A
model (a transformer behind the same port) can replace or extend this without touching the
service layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from listening.adapters.vader_swedish import SentimentIntensityAnalyzer as SwedishAnalyzer
from listening.domain.mentions import Sentiment, label_of


class PolarityScorer(Protocol):
    def polarity_scores(self, text: str) -> Mapping[str, float]: ...


class VaderSentiment:
    def __init__(self, analyzers: Mapping[str, PolarityScorer] | None = None) -> None:
        self._analyzers: Mapping[str, PolarityScorer] = (
            analyzers
            if analyzers is not None
            else {"en": SentimentIntensityAnalyzer(), "sv": SwedishAnalyzer()}
        )

    @property
    def languages(self) -> list[str]:
        return sorted(self._analyzers)

    def score(self, text: str, language: str | None) -> Sentiment:
        analyzer = self._analyzers.get((language or "").split("-")[0].lower())
        if analyzer is None:
            return Sentiment(0.0, "neutral")
        compound = float(analyzer.polarity_scores(text)["compound"])
        return Sentiment(compound, label_of(compound))
