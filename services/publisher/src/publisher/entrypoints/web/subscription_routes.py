"""The subscribe pages of a newsroom: the form, and what follows it.

The form posts to distribution's public API on the same origin (``PUBLISHER_DISTRIBUTION_
PUBLIC_PATH``, ``/api/distribution``), which owns subscribers; it answers with a redirect back
here: ``/<slug>/subscribe/sent``, or the form again with ``?problem=``. These pages read only
the newsroom.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from publisher.domain.errors import NotFoundError
from publisher.entrypoints.http.dependencies import PublisherDep
from publisher.entrypoints.web.answers import HTML, PageAnswers
from publisher.entrypoints.web.conditional import etag_of
from publisher.entrypoints.web.rendering import render
from publisher.entrypoints.web.responses import code_version, not_found_page
from publisher.service import pages

Slug = Annotated[str, Path(max_length=100)]
Lang = Annotated[str | None, Query(max_length=35)]
# What distribution's form endpoint sends back: an address it refused, or no email channel.
Problem = Annotated[Literal["invalid_email", "unavailable"] | None, Query()]


def add_subscription_routes(router: APIRouter, answers: PageAnswers, distribution: str) -> None:
    async def page(
        request: Request,
        publisher: PublisherDep,
        slug: str,
        path: str,
        template: str,
        **extra: object,
    ) -> Response:
        try:
            newsroom = await pages.public_newsroom(publisher.reader(), slug)
        except NotFoundError:
            return not_found_page(answers.language(request, None, path))
        ui = answers.language(request, newsroom.default_language, path)
        action = f"{distribution}/v1/public/newsrooms/{slug}/subscribers/form"
        body = render(template, ui, newsroom=newsroom, home_url=f"/{slug}/", action=action, **extra)
        parts = (newsroom.id, newsroom.version, path, sorted(extra.items()), ui.code, ui.carried)
        return answers.cached(request, etag_of((*parts, code_version())), body, HTML)

    @router.get("/{newsroom_slug}/subscribe", response_class=HTMLResponse)
    async def subscribe_page(
        newsroom_slug: Slug,
        request: Request,
        publisher: PublisherDep,
        problem: Problem = None,
        lang: Lang = None,
    ) -> Response:
        """The form to get the newsroom's releases by email (double opt-in)."""
        path = f"/{newsroom_slug}/subscribe"
        return await page(
            request, publisher, newsroom_slug, path, "subscribe.html", problem=problem
        )

    @router.get("/{newsroom_slug}/subscribe/sent", response_class=HTMLResponse)
    async def subscribe_sent_page(
        newsroom_slug: Slug, request: Request, publisher: PublisherDep, lang: Lang = None
    ) -> Response:
        """After the form: the confirmation email is on its way (if the address can subscribe)."""
        path = f"/{newsroom_slug}/subscribe/sent"
        return await page(request, publisher, newsroom_slug, path, "subscribe_sent.html")
