"""The embargo preview page: an embargoed release for the journalists invited to read it early.

The link (``/preview/<token>``, signed, expiring at the lift: ``adapters/preview_links.py``) is
what the ``release.embargoed`` event carries and staff send to journalists. The page says the
embargo and its lift time first, is never indexed (``noindex`` in the page and in
``X-Robots-Tag``, for crawlers that read only headers), never stored by a cache and never sent
as a referrer (the token is the key), and offers no share links or embed code. After the lift,
or with a forged or cut token, the link leads to the site's 404 page; the release is then on its
public page. Its pictures come through links signed for the media service, expiring no later
than the preview link (``service/preview.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from publisher.domain.errors import NotFoundError
from publisher.entrypoints.http.dependencies import PublisherDep
from publisher.entrypoints.web.answers import PageAnswers
from publisher.entrypoints.web.release_page import preview_html
from publisher.entrypoints.web.responses import not_found_page
from publisher.service import preview

Token = Annotated[str, Path(min_length=10, max_length=1000, pattern=r"^[A-Za-z0-9_.\-]+$")]
Lang = Annotated[str | None, Query(max_length=35)]
PRIVATE = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow, noarchive",
}


def add_preview_routes(router: APIRouter, answers: PageAnswers) -> None:
    @router.get("/preview/{token}", response_class=HTMLResponse)
    async def embargo_preview(
        token: Token, request: Request, publisher: PublisherDep, lang: Lang = None
    ) -> Response:
        """An embargoed release through its preview link, until the lift; else 404."""
        path = f"/preview/{token}"
        try:
            found = await preview.preview_page(publisher.reader(), publisher.deps, token)
        except NotFoundError:
            page = not_found_page(answers.language(request, None, path))
            page.headers.update(PRIVATE)
            return page
        ui = answers.language(request, found.view.newsroom.default_language, path)
        return HTMLResponse(preview_html(found, ui), headers=PRIVATE)
