"""The public pages: a release at the URL events and emails carry, and its newsroom's home.

HTML, not API: left out of the OpenAPI document. Rate limited per client like the public API.
Answers carry ETag and Last-Modified (a conditional GET gets a 304 without a rendered body)
and ``Cache-Control`` for the proxy: browsers revalidate every time, shared caches may keep a
page ``PUBLISHER_PAGE_SHARED_MAX_AGE_S`` (so a withdrawal shows everywhere within that time).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response

from newsroom_shared.http.ratelimit import rate_limit
from newsroom_shared.runtime import package_version
from publisher.domain.errors import NotFoundError
from publisher.entrypoints.http.dependencies import PublisherDep
from publisher.entrypoints.web.conditional import Validators, not_modified
from publisher.entrypoints.web.metadata import page_meta
from publisher.entrypoints.web.rendering import render, script_json
from publisher.service import pages
from publisher.service.views import ReleaseView

Slug = Annotated[str, Path(max_length=100)]
ReleaseId = Annotated[str, Path(max_length=100)]
NOT_FOUND_CACHE = "no-store"  # a draft published a moment later must show at once


def _cache_control(shared_max_age_s: int) -> str:
    return f"public, max-age=0, must-revalidate, s-maxage={shared_max_age_s}"


def _validators(view: ReleaseView) -> Validators:
    release, newsroom = view.release, view.newsroom
    parts = (release.id, release.version, newsroom.id, newsroom.version, _code_version())
    return Validators.of(parts, max(release.updated_at, newsroom.updated_at))


def _code_version() -> str:
    """Part of every ETag: a new version of the templates is a new page."""
    return package_version("newsroom-publisher")


def not_found_page() -> HTMLResponse:
    body = render("not_found.html")
    return HTMLResponse(body, status_code=404, headers={"Cache-Control": NOT_FOUND_CACHE})


def _release_html(page: pages.ReleasePage, url: str, home_url: str) -> str:
    view = page.view
    if page.withdrawn:
        return render("withdrawn.html", view=view, home_url=home_url)
    meta = page_meta(view, url)
    return render(
        "release.html",
        view=view,
        meta=meta,
        json_ld=script_json(meta.json_ld),
        # The release's own contacts, else the newsroom's press contacts.
        contacts=view.release.content.contacts or view.newsroom.contacts,
        home_url=home_url,
    )


def pages_router(per_minute: int, burst: int, shared_max_age_s: int) -> APIRouter:
    router = APIRouter(
        tags=["pages"],
        include_in_schema=False,
        dependencies=[Depends(rate_limit(per_minute, burst))],
    )

    @router.get("/{newsroom_slug}/releases/{release_id}", response_class=HTMLResponse)
    async def release_page(
        newsroom_slug: Slug, release_id: ReleaseId, request: Request, publisher: PublisherDep
    ) -> Response:
        """A published release; 410 with the notice once withdrawn; else 404."""
        try:
            page = await pages.release_page(publisher.reader(), newsroom_slug, release_id)
        except NotFoundError:
            return not_found_page()
        validators = _validators(page.view)
        headers = {**validators.headers(), "Cache-Control": _cache_control(shared_max_age_s)}
        # Only a page that exists can be "not modified"; a withdrawn one always says why it is gone.
        if not page.withdrawn and not_modified(request, validators):
            return Response(status_code=304, headers=headers)
        url = publisher.deps.links.release_url(newsroom_slug, release_id)
        html = _release_html(page, url, home_url=f"/{newsroom_slug}/")
        return HTMLResponse(html, status_code=410 if page.withdrawn else 200, headers=headers)

    return router
