"""What a release page tells machines: canonical URL, OpenGraph, Twitter card, JSON-LD."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from publisher.service.views import ReleaseView

HEADLINE_MAX = 110  # schema.org NewsArticle: search engines cut longer headlines


@dataclass(frozen=True, slots=True)
class PageMeta:
    url: str
    title: str
    description: str
    site_name: str
    locale: str
    json_ld: dict[str, Any]


def og_locale(language: str) -> str:
    """OpenGraph writes ``en_US`` where BCP 47 writes ``en-US``."""
    return language.replace("-", "_")


def news_article(view: ReleaseView, url: str) -> dict[str, Any]:
    """The release as a schema.org ``NewsArticle``, published by the newsroom's organisation."""
    release, content, newsroom = view.release, view.release.content, view.newsroom
    organization = {"@type": "Organization", "name": newsroom.name}
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": content.title[:HEADLINE_MAX],
        "description": content.lead,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": content.language,
        "dateModified": release.updated_at.isoformat(),
        "author": organization,
        "publisher": organization,
    }
    if release.published_at is not None:
        article["datePublished"] = release.published_at.isoformat()
    if content.tags:
        article["keywords"] = content.tags
    return article


def page_meta(view: ReleaseView, url: str) -> PageMeta:
    content = view.release.content
    return PageMeta(
        url=url,
        title=content.title,
        description=content.lead,
        site_name=view.newsroom.name,
        locale=og_locale(content.language),
        json_ld=news_article(view, url),
    )
