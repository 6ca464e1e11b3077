"""The search page of a newsroom: the form, and the ranked matches of a query."""

from __future__ import annotations

from newsroom_shared.http.conditional import etag_of
from publisher.entrypoints.web.brand import brand_of, logo_version
from publisher.entrypoints.web.language import PageLanguage
from publisher.entrypoints.web.rendering import render
from publisher.entrypoints.web.responses import code_version
from publisher.entrypoints.web.sites import home_path
from publisher.service.pages import GalleryImage
from publisher.service.search import SearchResults


def search_etag(results: SearchResults, ui: PageLanguage, logo: GalleryImage | None) -> str:
    newsroom = results.newsroom
    query = None if results.query is None else results.query.text
    found = [(r.id, r.version) for r in results.releases]
    parts = (newsroom.id, newsroom.version, "search", query, results.page, results.more)
    language = (ui.code, ui.carried)
    return etag_of((*parts, results.capped, found, language, logo_version(logo), code_version()))


def search_html(results: SearchResults, ui: PageLanguage, logo: GalleryImage | None) -> str:
    return render(
        "search.html",
        ui,
        newsroom=results.newsroom,
        brand=brand_of(results.newsroom, logo),
        query=results.query,
        search_text=results.query.text if results.query else "",
        releases=results.releases,
        page=results.page,
        more=results.more,
        capped=results.capped,
        home_url=home_path(results.newsroom),
    )
