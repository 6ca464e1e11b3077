"""The route of a newsroom's search page (``search_page.py`` renders it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from publisher.domain.errors import NotFoundError
from publisher.entrypoints.http.dependencies import PublisherDep
from publisher.entrypoints.web.answers import HTML, PageAnswers
from publisher.entrypoints.web.responses import not_found_page
from publisher.entrypoints.web.search_page import search_etag, search_html
from publisher.service import pages, search

Slug = Annotated[str, Path(max_length=100)]
Lang = Annotated[str | None, Query(max_length=35)]
SearchText = Annotated[str, Query(max_length=200)]
ResultPage = Annotated[int, Query(ge=1, le=search.CANDIDATES // search.PAGE_SIZE)]


def add_search_routes(router: APIRouter, answers: PageAnswers) -> None:
    language = answers.language

    @router.get("/{newsroom_slug}/search", response_class=HTMLResponse)
    async def search_page(
        newsroom_slug: Slug,
        request: Request,
        publisher: PublisherDep,
        q: SearchText = "",
        page: ResultPage = 1,
        lang: Lang = None,
    ) -> Response:
        """The newsroom's published releases matching ``q`` (English and Swedish stems), best
        first; the form alone without ``q``."""
        path = f"/{newsroom_slug}/search"
        try:
            # The query is read as English, Swedish and the newsroom's language alike.
            found = await search.search(publisher.reader(), newsroom_slug, q, page=page)
        except NotFoundError:
            return not_found_page(language(request, None, path))
        ui = language(request, found.newsroom.default_language, path)
        logo = await pages.newsroom_logo(publisher.reader(), found.newsroom)
        body = search_html(found, ui, logo)
        return answers.cached(request, search_etag(found, ui, logo), body, HTML)
