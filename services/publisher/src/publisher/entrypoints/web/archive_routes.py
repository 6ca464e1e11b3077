"""Routes of the pages that find older releases: ``/<slug>/archive/``, a month under it, and
``/<slug>/tags/<tag>/`` with its RSS and Atom feeds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from newsroom_shared.http.errors import BadRequest
from publisher.domain.archive import Month, Period
from publisher.domain.errors import NotFoundError
from publisher.domain.limits import TAG_MAX
from publisher.domain.newsroom import Newsroom
from publisher.entrypoints.http.dependencies import PublisherDep
from publisher.entrypoints.http.public import public_position
from publisher.entrypoints.web import feeds
from publisher.entrypoints.web.answers import ATOM, HTML, RSS, PageAnswers
from publisher.entrypoints.web.archive_pages import (
    ListingPlace,
    archive_etag,
    archive_html,
    listing_html,
    month_heading,
    month_path,
    tag_heading,
    tag_path,
)
from publisher.entrypoints.web.brand import logo_version
from publisher.entrypoints.web.home_page import PAGE_SIZE, home_etag
from publisher.entrypoints.web.language import PageLanguage
from publisher.entrypoints.web.page_cache import page_of
from publisher.entrypoints.web.responses import (
    INVALID_LINK,
    LINK_NOT_VALID,
    error_page,
    not_found_page,
)
from publisher.entrypoints.web.sites import page_url, site_path
from publisher.service import archive, pages
from publisher.service.ports import Links

Slug = Annotated[str, Path(max_length=100)]
Tag = Annotated[str, Path(max_length=4 * TAG_MAX)]  # room for what the proxy may have escaped
Number = Annotated[str, Path(max_length=4)]
Cursor = Annotated[str | None, Query(max_length=500)]
Lang = Annotated[str | None, Query(max_length=35)]


def _canonical(links: Links, newsroom: Newsroom, path: str, cursor: str | None) -> str:
    url = page_url(links, newsroom, path)
    return f"{url}?cursor={cursor}" if cursor is not None else url


def add_archive_routes(router: APIRouter, answers: PageAnswers) -> None:
    language = answers.language

    async def listing_page(
        request: Request,
        publisher: PublisherDep,
        slug: str,
        path: str,
        cursor: str | None,
        heading: Callable[[PageLanguage], str],
        *,
        tag: str | None = None,
        month: Month | None = None,
    ) -> Response:
        """A page of a tag's or a month's releases; 404 for an unknown newsroom."""
        try:
            after = public_position(cursor)
        except BadRequest:
            return error_page(400, INVALID_LINK, LINK_NOT_VALID, language(request, None, path))
        within: Period | None = None if month is None else month.period()
        try:
            found = await pages.listing(
                publisher.reader(), slug, after=after, limit=PAGE_SIZE, tag=tag, within=within
            )
        except NotFoundError:
            return not_found_page(language(request, None, path))
        page_of(request, found.newsroom.tenant_id)
        ui = language(request, found.newsroom.default_language, path)
        newsroom = found.newsroom
        logo = await pages.newsroom_logo(publisher.reader(), newsroom)
        place = ListingPlace(
            heading(ui),
            site_path(newsroom, path),
            _canonical(publisher.deps.links, newsroom, path, cursor),
            feeds=tag is not None,
        )
        etag = home_etag(found, f"{path}:{cursor}", ui, extra=logo_version(logo))
        body = listing_html(found, place, cursor, ui, logo)
        return answers.cached(request, etag, body, HTML)

    @router.get("/{newsroom_slug}/archive/", response_class=HTMLResponse)
    async def archive_page(
        newsroom_slug: Slug, request: Request, publisher: PublisherDep, lang: Lang = None
    ) -> Response:
        """Every month with published releases (newest first, with counts) and the tags."""
        path = f"/{newsroom_slug}/archive/"
        try:
            found = await archive.archive(publisher.reader(), newsroom_slug)
        except NotFoundError:
            return not_found_page(language(request, None, path))
        page_of(request, found.newsroom.tenant_id)
        ui = language(request, found.newsroom.default_language, path)
        logo = await pages.newsroom_logo(publisher.reader(), found.newsroom)
        url = page_url(publisher.deps.links, found.newsroom, path)
        body = archive_html(found, url, ui, logo)
        return answers.cached(request, archive_etag(found, ui, logo), body, HTML)

    @router.get("/{newsroom_slug}/archive/{year}/{month}/", response_class=HTMLResponse)
    async def month_page(
        newsroom_slug: Slug,
        year: Number,
        month: Number,
        request: Request,
        publisher: PublisherDep,
        cursor: Cursor = None,
        lang: Lang = None,
    ) -> Response:
        """The releases published in one month (UTC), newest first; 404 for no such month."""
        found = Month.parse(year, month)
        if found is None:
            path = f"/{newsroom_slug}/archive/{year}/{month}/"
            return not_found_page(language(request, None, path))
        path = month_path(f"/{newsroom_slug}/", found)
        return await listing_page(
            request,
            publisher,
            newsroom_slug,
            path,
            cursor,
            lambda ui: month_heading(found, ui),
            month=found,
        )

    async def tag_feed(
        request: Request, publisher: PublisherDep, slug: str, tag: str, kind: str
    ) -> Response:
        path = tag_path(f"/{slug}/", tag)
        try:
            found = await pages.listing(
                publisher.reader(), slug, after=None, limit=feeds.FEED_SIZE, tag=tag
            )
        except NotFoundError:
            return not_found_page(language(request, None, path))
        page_of(request, found.newsroom.tenant_id)
        ui = PageLanguage.of(None, found.newsroom.default_language, path, {})
        links = publisher.deps.links
        place = feeds.FeedPlace(
            f"{found.newsroom.name}: {tag_heading(tag, ui)}", page_url(links, found.newsroom, path)
        )
        etag = home_etag(found, f"{path}:{kind}")
        if kind == "rss":
            return answers.cached(request, etag, feeds.rss(found, links, place), RSS)
        return answers.cached(request, etag, feeds.atom(found, links, place), ATOM)

    @router.get("/{newsroom_slug}/tags/{tag:path}/rss.xml")
    async def tag_rss(
        newsroom_slug: Slug, tag: Tag, request: Request, publisher: PublisherDep
    ) -> Response:
        """RSS 2.0: the latest published releases with the tag."""
        return await tag_feed(request, publisher, newsroom_slug, tag, "rss")

    @router.get("/{newsroom_slug}/tags/{tag:path}/atom.xml")
    async def tag_atom(
        newsroom_slug: Slug, tag: Tag, request: Request, publisher: PublisherDep
    ) -> Response:
        """Atom: the latest published releases with the tag, with their bodies."""
        return await tag_feed(request, publisher, newsroom_slug, tag, "atom")

    @router.get("/{newsroom_slug}/tags/{tag:path}/", response_class=HTMLResponse)
    async def tag_page(
        newsroom_slug: Slug,
        tag: Tag,
        request: Request,
        publisher: PublisherDep,
        cursor: Cursor = None,
        lang: Lang = None,
    ) -> Response:
        """The published releases with the tag, newest first."""
        path = tag_path(f"/{newsroom_slug}/", tag)
        return await listing_page(
            request,
            publisher,
            newsroom_slug,
            path,
            cursor,
            lambda ui: tag_heading(tag, ui),
            tag=tag,
        )
