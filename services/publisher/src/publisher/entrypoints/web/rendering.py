"""Jinja2 templates of the pages, from this package; every value is escaped unless marked safe.

One environment per page language, its messages (``{% trans %}``, ``_()``) from that language's
catalogue (``language.py``) and its dates in that language's words (Babel's CLDR data).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache, partial
from typing import Any
from urllib.parse import quote
from xml.etree.ElementTree import Element, tostring

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from publisher.domain.archive import Month
from publisher.entrypoints.web.language import PageLanguage, catalogues

# Characters that could end a <script> element or open a comment inside it: JSON-LD is embedded
# in the page, so they are written as JSON escapes, which parsers read back unchanged.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def script_json(value: Any) -> Markup:
    """``value`` as JSON that is safe inside ``<script type="application/ld+json">``."""
    return Markup(json.dumps(value, ensure_ascii=False).translate(_SCRIPT_SAFE))


def month_name(month: Month, language: str) -> str:
    """``December 2026``, ``december 2026``."""
    return format_date(month.first_day.date(), "LLLL y", locale=language)


def segment(value: str) -> str:
    """``value`` as one path segment: every reserved character escaped, ``/`` too."""
    return quote(value, safe="")


def long_date(moment: datetime, language: str) -> str:
    """``3 December 2026``, ``3 december 2026`` (the day, in UTC, in ``language``'s words)."""
    return format_date(moment.date(), "d MMMM y", locale=language)


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=PackageLoader("publisher.entrypoints.web", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,  # a missing value is a bug, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: ``_("… %(name)s", name=x)`` escapes x and formats after translating.
    env.install_gettext_translations(  # type: ignore[attr-defined]
        catalogues().translations(language), newstyle=True
    )
    env.filters["long_date"] = partial(long_date, language=language)
    env.filters["month_name"] = partial(month_name, language=language)
    env.filters["segment"] = segment
    return env


def render(template: str, ui: PageLanguage, **context: Any) -> str:
    """``template`` in the page's language; ``ui`` is in the context for its links and switch."""
    return environment(ui.code).get_template(template).render(ui=ui, **context)


def translate(ui: PageLanguage, message: str) -> str:
    """One message of the page's language, for words made outside a template."""
    return catalogues().translations(ui.code).gettext(message)


def xml_document(root: Element) -> bytes:
    """``root`` as a UTF-8 XML document with its declaration (feeds, sitemaps)."""
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


# Characters XML 1.0 does not allow in a document, even escaped (control characters, lone
# surrogates, U+FFFE/U+FFFF). Staff text may hold them; a feed with one is unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML cannot carry (ElementTree escapes the rest)."""
    return _NOT_XML.sub("", value)
