"""The pages that find older releases: a tag's releases, a month's, and the archive of both."""

from __future__ import annotations

from dataclasses import dataclass

from newsroom_shared.http.conditional import etag_of
from publisher.domain.archive import Month, by_year
from publisher.entrypoints.http.public import cursor_after
from publisher.entrypoints.web.brand import brand_of, logo_version
from publisher.entrypoints.web.language import N_, PageLanguage
from publisher.entrypoints.web.rendering import month_name, render, segment, translate
from publisher.entrypoints.web.responses import code_version
from publisher.entrypoints.web.sites import home_path
from publisher.service.archive import Archive
from publisher.service.pages import GalleryImage, Listing

TAGGED = N_("Releases tagged “%(tag)s”")
OF_MONTH = N_("Releases of %(month)s")


def tag_path(home: str, tag: str) -> str:
    """``<home>tags/<tag>/`` (``home``: ``/<slug>/``, or a URL ending in ``/``): the tag as one
    escaped path segment (a tag may hold a ``/``)."""
    return f"{home}tags/{segment(tag)}/"


def month_path(home: str, month: Month) -> str:
    return f"{home}archive/{month.path}/"


def tag_heading(tag: str, ui: PageLanguage) -> str:
    return translate(ui, TAGGED) % {"tag": tag}


def month_heading(month: Month, ui: PageLanguage) -> str:
    return translate(ui, OF_MONTH) % {"month": month_name(month, ui.code)}


@dataclass(frozen=True, slots=True)
class ListingPlace:
    """Where a listing page is and what it is called."""

    heading: str
    path: str  # the page's path on the newsroom's site, e.g. /acme/tags/launch/
    canonical_url: str
    feeds: bool  # tag pages have RSS and Atom beside them


def listing_html(
    listing: Listing,
    place: ListingPlace,
    cursor: str | None,
    ui: PageLanguage,
    logo: GalleryImage | None = None,
) -> str:
    page = listing.releases
    return render(
        "listing.html",
        ui,
        newsroom=listing.newsroom,
        brand=brand_of(listing.newsroom, logo),
        heading=place.heading,
        releases=page.items,
        first_page=cursor is None,
        next_cursor=cursor_after(page.items[-1]) if page.more else None,
        canonical_url=place.canonical_url,
        home_url=home_path(listing.newsroom),
        page_path=place.path,
        feeds_url=place.path if place.feeds else None,
    )


def archive_etag(archive: Archive, ui: PageLanguage, logo: GalleryImage | None = None) -> str:
    newsroom = archive.newsroom
    months = [(m.month.path, m.count) for m in archive.months]
    tags = [(t.tag, t.count) for t in archive.tags]
    language = (ui.code, ui.carried)
    parts = (newsroom.id, newsroom.version, "archive", language, months, tags)
    return etag_of((*parts, logo_version(logo), code_version()))


def archive_html(
    archive: Archive, canonical_url: str, ui: PageLanguage, logo: GalleryImage | None = None
) -> str:
    return render(
        "archive.html",
        ui,
        newsroom=archive.newsroom,
        brand=brand_of(archive.newsroom, logo),
        years=by_year(archive.months),
        tags=archive.tags,
        canonical_url=canonical_url,
        home_url=home_path(archive.newsroom),
    )
