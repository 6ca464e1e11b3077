"""A newsroom's home page: its logo and colours, the lead pictures of its latest releases, its
latest published releases (newest first, paged by cursor), the subscribe form and its press
contacts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsroom_shared.http.conditional import etag_of
from publisher.entrypoints.http.public import cursor_after
from publisher.entrypoints.web.brand import Brand, brand_of, logo_version
from publisher.entrypoints.web.gallery import Picture, pictures
from publisher.entrypoints.web.language import PageLanguage
from publisher.entrypoints.web.rendering import render, script_json
from publisher.entrypoints.web.responses import code_version
from publisher.service.front_page import FrontPage
from publisher.service.pages import Listing

PAGE_SIZE = 20
# What a featured picture takes of the page: a column of the grid (base.html's .featured, at
# least 12rem in the 44rem main column: three across), the whole width on a narrow phone.
FEATURED_SIZES = "(min-width: 46rem) 14rem, (min-width: 28rem) 50vw, 100vw"


@dataclass(frozen=True, slots=True)
class FeaturedLink:
    """A featured picture and the release it leads to."""

    picture: Picture
    title: str
    language: str
    release_id: str


def front_etag(front: FrontPage, variant: str, ui: PageLanguage) -> str:
    """The home page's ETag: its listing's, and the logo's and featured pictures' news."""
    featured = [(f.picture.media_id, f.picture.happened_at) for f in front.featured]
    return home_etag(front.home, variant, ui, extra=(logo_version(front.logo), featured))


def home_etag(
    home: Listing, variant: str | None, ui: PageLanguage | None = None, extra: Any = None
) -> str:
    """The ETag of a listing of ``home`` (no Last-Modified: a release withdrawn from it leaves
    no date behind); ``variant`` tells the page, feeds and sitemap apart, and the cursor;
    ``ui`` the language of a page's words and links."""
    newsroom = home.newsroom
    releases = [(r.id, r.version) for r in home.releases.items]
    language = None if ui is None else (ui.code, ui.carried)
    parts = (newsroom.id, newsroom.version, variant, language, releases, extra, code_version())
    return etag_of(parts)


def organization(home: Listing, url: str, brand: Brand | None = None) -> dict[str, Any]:
    """The newsroom as a schema.org ``Organization``, with its logo and press contacts."""
    newsroom = home.newsroom
    found: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": newsroom.name,
        "url": url,
    }
    if brand is not None and brand.logo is not None and brand.logo.src.startswith("https://"):
        found["logo"] = brand.logo.src  # crawlers fetch it from outside: https only
    if newsroom.description:
        found["description"] = newsroom.description
    contacts = [
        {
            "@type": "ContactPoint",
            "contactType": "press",
            "name": person.name,
            **({"email": person.email} if person.email else {}),
            **({"telephone": person.phone} if person.phone else {}),
        }
        for person in newsroom.contacts
    ]
    if contacts:
        found["contactPoint"] = contacts
    return found


def featured_links(front: FrontPage) -> list[FeaturedLink]:
    shown = pictures(tuple(f.picture for f in front.featured))
    return [
        FeaturedLink(picture, f.release.content.title, f.release.content.language, f.release.id)
        for picture, f in zip(shown, front.featured, strict=True)
    ]


def home_html(
    front: FrontPage,
    url: str,
    home_url: str,
    cursor: str | None,
    ui: PageLanguage,
    *,
    subscribe_action: str,
) -> str:
    home = front.home
    page = home.releases
    brand = brand_of(home.newsroom, front.logo)
    return render(
        "home.html",
        ui,
        newsroom=home.newsroom,
        brand=brand,
        featured=featured_links(front),
        featured_sizes=FEATURED_SIZES,
        releases=page.items,
        contacts=home.newsroom.contacts,
        first_page=cursor is None,
        next_cursor=cursor_after(page.items[-1]) if page.more else None,
        canonical_url=url,
        home_url=home_url,
        action=subscribe_action,
        problem=None,
        json_ld=script_json(organization(home, url, brand)),
    )
