"""The public pages' routes: releases, newsroom homes, feeds, sitemaps and robots.txt.

HTML and XML, not API: left out of the OpenAPI document. Rate limited per client like the
public API. Pages carry an ETag (and Last-Modified where one date makes the page), a
conditional GET of a current page gets a 304 without a rendered body, and ``Cache-Control``
lets a shared cache (the proxy, a CDN) keep a page ``PUBLISHER_PAGE_SHARED_MAX_AGE_S`` while
browsers revalidate every time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from newsroom_shared.http.conditional import etag_of, not_modified
from newsroom_shared.http.errors import BadRequest
from newsroom_shared.http.ratelimit import rate_limit
from publisher.domain.errors import NotFoundError
from publisher.domain.values import SLUG_PATTERN
from publisher.entrypoints.http.dependencies import PublisherDep
from publisher.entrypoints.http.public import public_position
from publisher.entrypoints.web import crawlers, feeds
from publisher.entrypoints.web.answers import ATOM, HTML, RSS, XML, PageAnswers
from publisher.entrypoints.web.archive_routes import add_archive_routes
from publisher.entrypoints.web.embed import (
    EMBED_POLICY,
    Size,
    oembed,
    release_of,
    release_on_domain,
)
from publisher.entrypoints.web.home_page import PAGE_SIZE, front_etag, home_etag, home_html
from publisher.entrypoints.web.language import PageLanguage
from publisher.entrypoints.web.page_cache import page_of
from publisher.entrypoints.web.preview_routes import add_preview_routes
from publisher.entrypoints.web.release_page import embed_html, release_html, release_validators
from publisher.entrypoints.web.responses import (
    INVALID_LINK,
    LINK_NOT_VALID,
    NOT_A_SERVER,
    NOT_A_SERVER_DETAIL,
    error_page,
    not_found_page,
)
from publisher.entrypoints.web.search_routes import add_search_routes
from publisher.entrypoints.web.share import mastodon_instance, mastodon_share_url
from publisher.entrypoints.web.sites import home_path, site_of
from publisher.entrypoints.web.subscription_routes import (
    add_subscription_routes,
    subscribe_action,
)
from publisher.service import archive, front_page, pages
from publisher.service.ports import Links

Slug = Annotated[str, Path(max_length=100)]
ReleaseId = Annotated[str, Path(max_length=100)]
Cursor = Annotated[str | None, Query(max_length=500)]
# The language of the page's words (language.py): a BCP 47 tag; one without a catalogue is
# ignored, as a browser ignores a language it does not know.
# Declared by the page routes for its bound; language() reads it with the rest of the query.
Lang = Annotated[str | None, Query(max_length=35)]
# oEmbed's bounds on the embed's size (a consumer's column width, in CSS pixels).
Bound = Annotated[int | None, Query(ge=1, le=10_000)]


def oembed_link(links: Links, release_url: str) -> str:
    """The oEmbed discovery link of a release page."""
    return links.site_url(f"/oembed?{urlencode({'url': release_url, 'format': 'json'})}")


def pages_router(
    per_minute: int,
    burst: int,
    shared_max_age_s: int,
    distribution_path: str = "/api/distribution",
    comments_path: str = "",
    media_path: str = "",
) -> APIRouter:
    """The pages; ``comments_path`` (the comments service on this origin) puts its widget on
    release pages, none when empty; ``media_path`` (the media service's public API on this
    origin) gives release pages with pictures their press-kit link."""
    router = APIRouter(
        tags=["pages"],
        include_in_schema=False,
        dependencies=[Depends(rate_limit(per_minute, burst))],
    )
    answers = PageAnswers(shared_max_age_s)
    caching, cached, language = answers.caching, answers.cached, answers.language
    add_archive_routes(router, answers)
    add_search_routes(router, answers)
    add_subscription_routes(router, answers, distribution_path)
    add_preview_routes(router, answers)

    @router.get("/robots.txt")
    async def robots_txt(request: Request, publisher: PublisherDep) -> Response:
        """Which parts of the site crawlers may read, and where the sitemap is (on a
        newsroom's own domain: that newsroom's)."""
        links, site = publisher.deps.links, site_of(request)
        sitemap = "/sitemap.xml"
        found = links.site_url(sitemap) if site is None else links.domain_url(site.domain, sitemap)
        body = crawlers.robots_txt(found)
        return Response(body, media_type="text/plain", headers={"Cache-Control": caching})

    @router.get("/sitemap.xml")
    async def sitemap_index(request: Request, publisher: PublisherDep) -> Response:
        """One sitemap per newsroom."""
        limit = crawlers.SITEMAP_MAX_URLS
        newsrooms = await pages.newsrooms_for_sitemap(publisher.reader(), limit=limit)
        etag = etag_of(["sitemap-index", *(n.slug for n in newsrooms)])
        body = crawlers.sitemap_index(newsrooms, publisher.deps.links)
        return cached(request, etag, body, XML)

    @router.get("/oembed")
    async def oembed_endpoint(
        publisher: PublisherDep,
        url: Annotated[str, Query(max_length=2000)],
        maxwidth: Bound = None,
        maxheight: Bound = None,
        format: Annotated[str, Query(max_length=10)] = "json",
    ) -> Response:
        """oEmbed 1.0 for a release page URL: a ``rich`` embed of the release's card. 404 for
        a URL that is not one of our published releases, 501 for a format other than JSON."""
        if format != "json":
            return JSONResponse({"error": "only format=json is offered"}, status_code=501)
        links = publisher.deps.links
        sites = await publisher.sites.current()
        slugs = {domain: site.slug for domain, site in sites.by_domain.items()}
        found = release_of(url, links.site_url("/")) or release_on_domain(url, slugs)
        if found is None:
            return JSONResponse({"error": "not a release page of this site"}, status_code=404)
        slug, release_id = found
        try:
            page = await pages.release_page(publisher.reader(), slug, release_id)
        except NotFoundError:
            page = None
        if page is None or page.withdrawn:
            return JSONResponse({"error": "no published release at this URL"}, status_code=404)
        newsroom = page.view.newsroom
        answer = oembed(
            release_url=links.release_url(newsroom, release_id),
            title=page.view.release.content.title,
            newsroom=newsroom.name,
            newsroom_url=links.newsroom_url(newsroom),
            size=Size.within(maxwidth, maxheight),
            cache_age_s=shared_max_age_s,
        )
        return JSONResponse(answer, headers={"Cache-Control": caching})

    async def home_of(publisher: PublisherDep, slug: str, limit: int) -> pages.Listing | None:
        try:
            return await pages.newsroom_home(publisher.reader(), slug, after=None, limit=limit)
        except NotFoundError:
            return None

    @router.get("/{newsroom_slug}/sitemap.xml")
    async def newsroom_sitemap(
        newsroom_slug: Slug, request: Request, publisher: PublisherDep
    ) -> Response:
        """The newsroom's home, archive, month and tag pages, and its published releases."""
        try:
            found = await archive.archive(
                publisher.reader(), newsroom_slug, tags=crawlers.SITEMAP_TAGS
            )
        except NotFoundError:
            return not_found_page(language(request, None, f"/{newsroom_slug}/sitemap.xml"))
        pages_listed = 2 + len(found.months) + len(found.tags)  # home, archive, months, tags
        home = await home_of(publisher, newsroom_slug, crawlers.SITEMAP_MAX_URLS - pages_listed)
        if home is None:
            return not_found_page(language(request, None, f"/{newsroom_slug}/sitemap.xml"))
        page_of(request, home.newsroom.tenant_id)
        pictures = await pages.release_pictures(publisher.reader(), home.releases.items)
        translated = await pages.translations_of(publisher.reader(), home.releases.items)
        etag = crawlers.sitemap_etag(home_etag(home, "sitemap"), found, pictures, translated)
        links = publisher.deps.links
        body = crawlers.newsroom_sitemap(home, found, links, pictures, translated)
        return cached(request, etag, body, XML)

    @router.get("/{newsroom_slug}/rss.xml")
    async def rss_feed(newsroom_slug: Slug, request: Request, publisher: PublisherDep) -> Response:
        """RSS 2.0: the latest published releases."""
        home = await home_of(publisher, newsroom_slug, feeds.FEED_SIZE)
        if home is None:
            return not_found_page(language(request, None, f"/{newsroom_slug}/rss.xml"))
        page_of(request, home.newsroom.tenant_id)
        return cached(request, home_etag(home, "rss"), feeds.rss(home, publisher.deps.links), RSS)

    @router.get("/{newsroom_slug}/atom.xml")
    async def atom_feed(newsroom_slug: Slug, request: Request, publisher: PublisherDep) -> Response:
        """Atom: the latest published releases, with their bodies."""
        home = await home_of(publisher, newsroom_slug, feeds.FEED_SIZE)
        if home is None:
            return not_found_page(language(request, None, f"/{newsroom_slug}/atom.xml"))
        page_of(request, home.newsroom.tenant_id)
        body = feeds.atom(home, publisher.deps.links)
        return cached(request, home_etag(home, "atom"), body, ATOM)

    async def release_answer(
        request: Request,
        publisher: PublisherDep,
        slug: str,
        release_id: str,
        path: str,
        render_page: Callable[[pages.ReleasePage, str, PageLanguage], str],
        extra_headers: dict[str, str] | None = None,
        services: str = "",
    ) -> Response:
        """A release's page (or card) with its validators; 410 with the notice once withdrawn;
        404 unless published. ``render_page`` gets the page, its URL and its language."""
        try:
            page = await pages.release_page(publisher.reader(), slug, release_id)
        except NotFoundError:
            return not_found_page(language(request, None, path))
        page_of(request, page.view.newsroom.tenant_id)
        ui = language(request, page.view.newsroom.default_language, path)
        validators = release_validators(page, ui, services)
        headers = {**validators.headers(), "Cache-Control": caching, **(extra_headers or {})}
        # Only a page that exists can be "not modified"; a withdrawn one always says why it is gone.
        if not page.withdrawn and not_modified(request, validators):
            return Response(status_code=304, headers=headers)
        url = publisher.deps.links.release_url(page.view.newsroom, release_id)
        html = render_page(page, url, ui)
        return HTMLResponse(html, status_code=410 if page.withdrawn else 200, headers=headers)

    @router.get("/{newsroom_slug}/releases/{release_id}", response_class=HTMLResponse)
    async def release_page(
        newsroom_slug: Slug,
        release_id: ReleaseId,
        request: Request,
        publisher: PublisherDep,
        lang: Lang = None,
    ) -> Response:
        """A published release; 410 with the notice once withdrawn; else 404."""
        links = publisher.deps.links

        def article(page: pages.ReleasePage, url: str, ui: PageLanguage) -> str:
            return release_html(
                page,
                url,
                home_url=home_path(page.view.newsroom),
                ui=ui,
                oembed_url=oembed_link(links, url),
                links=links,
                comments_path=comments_path,
                media_path=media_path,
            )

        path = f"/{newsroom_slug}/releases/{release_id}"
        return await release_answer(
            request,
            publisher,
            newsroom_slug,
            release_id,
            path,
            article,
            services=f"{comments_path}|{media_path}",
        )

    @router.get("/{newsroom_slug}/releases/{release_id}/embed", response_class=HTMLResponse)
    async def release_embed(
        newsroom_slug: Slug,
        release_id: ReleaseId,
        request: Request,
        publisher: PublisherDep,
        lang: Lang = None,
    ) -> Response:
        """The release's card for other sites' frames (``embed.py``); 410 once withdrawn."""
        links = publisher.deps.links

        def card(page: pages.ReleasePage, url: str, ui: PageLanguage) -> str:
            return embed_html(page, url, links.newsroom_url(page.view.newsroom), ui)

        path = f"/{newsroom_slug}/releases/{release_id}/embed"
        policy = {"Content-Security-Policy": EMBED_POLICY}
        return await release_answer(
            request, publisher, newsroom_slug, release_id, path, card, policy
        )

    @router.get("/{newsroom_slug}/releases/{release_id}/share/mastodon")
    async def share_on_mastodon(
        newsroom_slug: Slug,
        release_id: ReleaseId,
        request: Request,
        publisher: PublisherDep,
        instance: Annotated[str, Query(max_length=300)] = "",
        lang: Lang = None,
    ) -> Response:
        """To the reader's Mastodon server's share page, with the release's title and URL."""
        path = f"/{newsroom_slug}/releases/{release_id}"
        try:
            page = await pages.release_page(publisher.reader(), newsroom_slug, release_id)
        except NotFoundError:
            return not_found_page(language(request, None, path))
        host = mastodon_instance(instance)
        if page.withdrawn or host is None:
            ui = language(request, page.view.newsroom.default_language, path)
            if page.withdrawn:
                return not_found_page(ui)
            return error_page(400, NOT_A_SERVER, NOT_A_SERVER_DETAIL, ui)
        url = publisher.deps.links.release_url(page.view.newsroom, release_id)
        title = page.view.release.content.title
        return RedirectResponse(mastodon_share_url(host, title, url), status_code=303)

    @router.get("/{newsroom_slug}/", response_class=HTMLResponse)
    async def newsroom_home(
        newsroom_slug: Slug,
        request: Request,
        publisher: PublisherDep,
        cursor: Cursor = None,
        lang: Lang = None,
    ) -> Response:
        """The newsroom's latest releases, newest first; ``cursor`` pages back in time."""
        path = f"/{newsroom_slug}/"
        try:
            after = public_position(cursor)
        except BadRequest:
            return error_page(400, INVALID_LINK, LINK_NOT_VALID, language(request, None, path))
        try:
            front = await front_page.front_page(
                publisher.reader(), newsroom_slug, after=after, limit=PAGE_SIZE
            )
        except NotFoundError:
            return not_found_page(language(request, None, path))
        newsroom = front.home.newsroom
        page_of(request, newsroom.tenant_id)
        ui = language(request, newsroom.default_language, path)
        etag = front_etag(front, f"home:{cursor}", ui)
        url = publisher.deps.links.newsroom_url(newsroom)
        if cursor is not None:  # the canonical page of a later slice is itself
            url = f"{url}?cursor={cursor}"
        action = subscribe_action(distribution_path, newsroom.slug)
        html = home_html(front, url, home_path(newsroom), cursor, ui, subscribe_action=action)
        return cached(request, etag, html, HTML)

    @router.get("/{newsroom_slug}")
    async def newsroom_home_without_slash(newsroom_slug: Slug, request: Request) -> Response:
        """``/acme`` is ``/acme/`` (its query kept: ``?lang=sv`` too)."""
        if not re.fullmatch(SLUG_PATTERN, newsroom_slug):
            return not_found_page(language(request, None, f"/{newsroom_slug}"))
        query = request.url.query
        return RedirectResponse(f"/{newsroom_slug}/{'?' + query if query else ''}", 308)

    return router
