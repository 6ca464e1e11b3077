"""Language detection with py3langid: its model ships inside the wheel, so nothing is
downloaded at run time. Loaded once per process (~1 s, ~136 MB), on first use."""

from __future__ import annotations

import threading

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this normalised probability the detector abstains: short posts ("lol", a link) have
# no language worth filtering on, and a wrong guess would hide them from a lang: query.
MIN_CONFIDENCE = 0.5


class LangidDetector:
    def __init__(self, languages: list[str] | None = None) -> None:
        self._languages = languages
        self._identifier: LanguageIdentifier | None = None
        self._lock = threading.Lock()

    def detect(self, text: str) -> str | None:
        language, _ = self._loaded().classify(text)
        return None if language == "und" else str(language)

    def _loaded(self) -> LanguageIdentifier:
        with self._lock:
            if self._identifier is None:
                identifier = LanguageIdentifier.from_model_file(
                    MODEL_FILE, norm_probs=True, min_confidence=MIN_CONFIDENCE
                )
                if self._languages:
                    identifier.set_languages(self._languages)
                self._identifier = identifier
            return self._identifier
