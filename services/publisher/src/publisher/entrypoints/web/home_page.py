"""A newsroom's home page: its latest published releases, newest first, paged by cursor."""

from __future__ import annotations

from typing import Any

from newsroom_shared.http.conditional import etag_of
from publisher.entrypoints.http.public import cursor_after
from publisher.entrypoints.web.language import PageLanguage
from publisher.entrypoints.web.rendering import render, script_json
from publisher.entrypoints.web.responses import code_version
from publisher.service.pages import Listing

PAGE_SIZE = 20


def home_etag(home: Listing, variant: str | None, ui: PageLanguage | None = None) -> str:
    """The ETag of a listing of ``home`` (no Last-Modified: a release withdrawn from it leaves
    no date behind); ``variant`` tells the page, feeds and sitemap apart, and the cursor;
    ``ui`` the language of a page's words and links."""
    newsroom = home.newsroom
    releases = [(r.id, r.version) for r in home.releases.items]
    language = None if ui is None else (ui.code, ui.carried)
    return etag_of((newsroom.id, newsroom.version, variant, language, releases, code_version()))


def organization(home: Listing, url: str) -> dict[str, Any]:
    """The newsroom as a schema.org ``Organization``, with its press contacts."""
    newsroom = home.newsroom
    found: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": newsroom.name,
        "url": url,
    }
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


def home_html(home: Listing, url: str, home_url: str, cursor: str | None, ui: PageLanguage) -> str:
    page = home.releases
    return render(
        "home.html",
        ui,
        newsroom=home.newsroom,
        releases=page.items,
        contacts=home.newsroom.contacts,
        first_page=cursor is None,
        next_cursor=cursor_after(page.items[-1]) if page.more else None,
        canonical_url=url,
        home_url=home_url,
        json_ld=script_json(organization(home, url)),
    )
