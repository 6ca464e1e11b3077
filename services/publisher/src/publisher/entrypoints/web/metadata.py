"""What a release page tells machines: canonical URL, OpenGraph, Twitter card, JSON-LD."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from publisher.domain.media import MediaDetails
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
    image: MediaDetails | None = None  # og:image: the social card, else the first picture


def og_locale(language: str) -> str:
    """OpenGraph writes ``en_US`` where BCP 47 writes ``en-US``."""
    return language.replace("-", "_")


def news_article(
    view: ReleaseView, url: str, images: Sequence[str] = (), logo: str | None = None
) -> dict[str, Any]:
    """The release as a schema.org ``NewsArticle``, published by the newsroom's organisation
    (with its ``logo`` URL when it has one); ``images``: its pictures' URLs, the share image
    first."""
    release, content, newsroom = view.release, view.release.content, view.newsroom
    organization: dict[str, Any] = {"@type": "Organization", "name": newsroom.name}
    publisher = dict(organization)
    if logo is not None and logo.startswith("https://"):
        publisher["logo"] = {"@type": "ImageObject", "url": logo}
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
        "publisher": publisher,
    }
    if release.published_at is not None:
        article["datePublished"] = release.published_at.isoformat()
    if content.tags:
        article["keywords"] = content.tags
    if images:
        article["image"] = list(images)
    return article


def article_images(card: MediaDetails | None, pictures: Sequence[MediaDetails]) -> list[str]:
    """The share image, then the page's pictures in their order (their largest web rendition),
    each once; only https URLs (crawlers and share cards fetch them from outside)."""
    urls = [] if card is None else [card.url]
    urls += [p.shown.url for p in pictures if p.shown is not None]
    return [u for n, u in enumerate(urls) if u.startswith("https://") and u not in urls[:n]]


def page_meta(
    view: ReleaseView,
    url: str,
    card: MediaDetails | None = None,
    pictures: Sequence[MediaDetails] = (),
    logo: str | None = None,
) -> PageMeta:
    content = view.release.content
    return PageMeta(
        url=url,
        title=content.title,
        description=content.lead,
        site_name=view.newsroom.name,
        locale=og_locale(content.language),
        json_ld=news_article(view, url, article_images(card, pictures), logo),
        image=card,
    )
