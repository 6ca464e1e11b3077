"""A release page's translations: the language list readers follow, and the ``hreflang``
alternates crawlers read (the page's ``<head>`` and the newsroom's sitemap)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError

from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.entrypoints.web.sites import home_path
from publisher.service.ports import Links

X_DEFAULT = "x-default"


@dataclass(frozen=True, slots=True)
class TranslationLink:
    language: str  # the release's BCP 47 tag: the link's hreflang and lang
    label: str  # the language's name in itself
    path: str  # within the newsroom's site
    url: str  # absolute: the translation's canonical URL


@dataclass(frozen=True, slots=True)
class Alternate:
    hreflang: str
    url: str


@cache
def language_label(tag: str) -> str:
    """``sv`` -> ``Svenska``, ``pt-BR`` -> ``Português (Brasil)``; the tag itself when Babel
    does not know it."""
    try:
        locale = Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return tag
    name = locale.get_display_name(locale) or tag
    return name[:1].upper() + name[1:]


def translation_links(
    translations: Sequence[Release], newsroom: Newsroom, links: Links
) -> list[TranslationLink]:
    return [
        TranslationLink(
            language=t.content.language,
            label=language_label(t.content.language),
            path=f"{home_path(newsroom)}releases/{t.id}",
            url=links.release_url(newsroom, t.id),
        )
        for t in translations
    ]


def default_translation(translations: Sequence[Release], newsroom: Newsroom) -> Release:
    """The ``x-default``: the translation in the newsroom's language, else the first published
    (the same for every page of the group)."""
    primary = newsroom.default_language.split("-")[0].lower()
    for release in translations:
        if release.content.language.split("-")[0].lower() == primary:
            return release
    return min(translations, key=lambda r: (r.published_at or r.updated_at, r.id))


def alternates(
    translations: Sequence[Release], newsroom: Newsroom, links: Links
) -> list[Alternate]:
    """Every published translation (the page's own included, as search engines ask) and the
    ``x-default``; none when the release has no translation to offer."""
    if len(translations) < 2:
        return []
    found = [Alternate(t.content.language, links.release_url(newsroom, t.id)) for t in translations]
    fallback = default_translation(translations, newsroom)
    return [*found, Alternate(X_DEFAULT, links.release_url(newsroom, fallback.id))]
