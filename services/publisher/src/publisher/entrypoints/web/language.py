"""The language of a page's own words (headings, navigation, dates), not of the releases on it.

Readers switch with ``?lang=<code>`` (links in every page's header; no script, no cookie): the
URL names the language, so a shared cache keeps each language apart without ``Vary`` and a link
shared in Swedish opens in Swedish. Without it a page speaks the newsroom's default language
when there is a catalogue for it, else English. Links inside the site carry ``lang`` only when
the reader chose a language other than the newsroom's default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale

from newsroom_shared.i18n import Catalogues

LANG_PARAM = "lang"


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """Marks a message made outside a template for the catalogue (``pybabel extract`` finds
    ``N_``) and returns it as it is: it is translated when a page is rendered, in its language."""
    return message


@cache
def catalogues() -> Catalogues:
    return Catalogues(Path(__file__).parent / "locales")


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    code: str
    label: str  # the language's name in itself: "Svenska" means something to who reads it
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class PageLanguage:
    code: str
    carried: str | None  # the ``lang`` internal links repeat, None for the default language
    path: str
    query: tuple[tuple[str, str], ...]

    @classmethod
    def of(
        cls, requested: str | None, default: str | None, path: str, query: dict[str, str]
    ) -> PageLanguage:
        """For a page at ``path`` (its other query parameters in ``query``)."""
        found = catalogues()
        code = found.choose(requested, [default] if default else [])
        fallback = found.choose(None, [default] if default else [])
        carried = code if code != fallback else None
        others = tuple((k, v) for k, v in query.items() if k != LANG_PARAM)
        return cls(code=code, carried=carried, path=path, query=others)

    def link(self, path: str, **params: str) -> str:
        """``path`` within the site, in this page's language."""
        query = {**params, **({LANG_PARAM: self.carried} if self.carried else {})}
        return f"{path}?{urlencode(query)}" if query else path

    @property
    def choices(self) -> list[LanguageChoice]:
        """This page in each language the site speaks."""
        return [
            LanguageChoice(
                code=code,
                label=_name(code),
                href=f"{self.path}?{urlencode([*self.query, (LANG_PARAM, code)])}",
                current=code == self.code,
            )
            for code in catalogues().languages
        ]


@cache
def _name(code: str) -> str:
    name: str = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]
