"""The languages of the pages every service renders: message catalogues and the choice of one.

A service keeps its catalogues as gettext ``.po`` files, ``<folder>/<language>/LC_MESSAGES/
messages.po``, written in the source language (English) and translated per language. They are
read with Babel and compiled in memory when first used: no build step, and the ``.po`` files
that translators edit are the ones that run.

A page's language is the one the reader asked for (``?lang=``) when there is a catalogue for
it, else the newsroom's default language when there is one for that, else English.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from functools import cached_property
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"


def primary_subtag(tag: str) -> str:
    """``sv`` of ``sv-SE`` (BCP 47) or ``sv_SE`` (POSIX), lower case."""
    return tag.replace("_", "-").split("-", 1)[0].strip().lower()


class Catalogues:
    """The translations under ``folder``, one per language that has a ``.po`` file there."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _po_file(self, language: str) -> Path:
        return self.folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """The source language first, then every translated one, sorted."""
        found = sorted(p.parents[1].name for p in self.folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
        return (SOURCE_LANGUAGE, *(language for language in found if language != SOURCE_LANGUAGE))

    @cached_property
    def _translations(self) -> dict[str, gettext.NullTranslations]:
        loaded: dict[str, gettext.NullTranslations] = {SOURCE_LANGUAGE: gettext.NullTranslations()}
        for language in self.languages[1:]:
            with self._po_file(language).open("rb") as po:
                catalog = read_po(po, locale=language, domain=DOMAIN)
            compiled = BytesIO()
            write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
            compiled.seek(0)
            loaded[language] = gettext.GNUTranslations(compiled)
        return loaded

    def translations(self, language: str) -> gettext.NullTranslations:
        """The messages of ``language`` (one of :attr:`languages`)."""
        return self._translations[language]

    def supported(self, tag: str | None) -> str | None:
        """The catalogue's language for ``tag`` (``sv-SE`` -> ``sv``), or ``None``."""
        if not tag:
            return None
        language = primary_subtag(tag)
        return language if language in self.languages else None

    def choose(self, requested: str | None, defaults: Iterable[str]) -> str:
        """The page's language: ``requested`` if supported, else the first supported default."""
        for tag in (requested, *defaults):
            language = self.supported(tag)
            if language is not None:
                return language
        return SOURCE_LANGUAGE
