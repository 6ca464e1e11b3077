"""The subscription pages of a newsroom: subscribe, confirm, unsubscribe, and their outcomes.

Their forms post to distribution's public API on the same origin (``PUBLISHER_DISTRIBUTION_
PUBLIC_PATH``, ``/api/distribution``), which owns subscribers and checks the signed tokens; it
answers with a redirect back here: ``/<slug>/subscribe/sent`` or the form again with
``?problem=``; ``/<slug>/subscription/confirmed``, ``.../unsubscribed`` or ``.../problem``.
Distribution also leads a browser that follows an email's link here
(``/<slug>/subscription/confirm/<token>``). These pages read only the newsroom; the token is
only passed on, so the pages that carry one are never stored by a cache nor sent as a referrer.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from newsroom_shared.http.conditional import etag_of
from publisher.domain.errors import NotFoundError
from publisher.entrypoints.http.dependencies import PublisherDep
from publisher.entrypoints.web.answers import HTML, PageAnswers
from publisher.entrypoints.web.brand import brand_of, logo_version
from publisher.entrypoints.web.rendering import render
from publisher.entrypoints.web.responses import code_version, not_found_page
from publisher.entrypoints.web.sites import home_path
from publisher.service import pages

Slug = Annotated[str, Path(max_length=100)]
Lang = Annotated[str | None, Query(max_length=35)]
# What distribution's form endpoint sends back: an address it refused, or no email channel.
Problem = Annotated[Literal["invalid_email", "unavailable"] | None, Query()]
Token = Annotated[str, Path(min_length=10, max_length=1000, pattern=r"^[A-Za-z0-9_.\-]+$")]
# The codes distribution's answers carry (a link forged or cut, expired, or cancelled).
Code = Annotated[Literal["invalid_token", "token_expired", "conflict", "not_found"] | None, Query()]
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def subscribe_action(distribution: str, slug: str) -> str:
    """Where a subscribe form posts (the subscribe page's, and the home page's)."""
    return f"{distribution}/v1/public/newsrooms/{slug}/subscribers/form"


def add_subscription_routes(router: APIRouter, answers: PageAnswers, distribution: str) -> None:
    async def page(
        request: Request,
        publisher: PublisherDep,
        slug: str,
        path: str,
        template: str,
        action: str = "",
        private: bool = False,
        **extra: object,
    ) -> Response:
        """The page; ``private`` ones (a token in their URL) are neither cached nor referred."""
        try:
            newsroom = await pages.public_newsroom(publisher.reader(), slug)
        except NotFoundError:
            return not_found_page(answers.language(request, None, path))
        ui = answers.language(request, newsroom.default_language, path)
        logo = await pages.newsroom_logo(publisher.reader(), newsroom)
        action = action or subscribe_action(distribution, slug)
        home_url = home_path(newsroom)
        brand = brand_of(newsroom, logo)
        context = {"newsroom": newsroom, "brand": brand, "home_url": home_url, "action": action}
        body = render(template, ui, **context, **extra)
        if private:
            return HTMLResponse(body, headers=PRIVATE)
        parts = (newsroom.id, newsroom.version, path, sorted(extra.items()), ui.code, ui.carried)
        return answers.cached(
            request, etag_of((*parts, logo_version(logo), code_version())), body, HTML
        )

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

    @router.get("/{newsroom_slug}/subscription/confirm/{token}", response_class=HTMLResponse)
    async def confirm_page(
        newsroom_slug: Slug, token: Token, request: Request, publisher: PublisherDep
    ) -> Response:
        """Where a confirmation email's link leads: a button that confirms (a GET does not)."""
        path = f"/{newsroom_slug}/subscription/confirm/{token}"
        action = f"{distribution}/v1/public/subscriptions/confirm/{token}"
        return await page(
            request, publisher, newsroom_slug, path, "subscription_confirm.html", action, True
        )

    @router.get("/{newsroom_slug}/subscription/unsubscribe/{token}", response_class=HTMLResponse)
    async def unsubscribe_page(
        newsroom_slug: Slug, token: Token, request: Request, publisher: PublisherDep
    ) -> Response:
        """Where an email's unsubscribe link leads: a button that unsubscribes."""
        path = f"/{newsroom_slug}/subscription/unsubscribe/{token}"
        action = f"{distribution}/v1/unsubscribe/{token}"
        return await page(
            request, publisher, newsroom_slug, path, "subscription_unsubscribe.html", action, True
        )

    @router.get("/{newsroom_slug}/subscription/{outcome}", response_class=HTMLResponse)
    async def outcome_page(
        newsroom_slug: Slug,
        outcome: Literal["confirmed", "unsubscribed", "problem"],
        request: Request,
        publisher: PublisherDep,
        code: Code = None,
        lang: Lang = None,
    ) -> Response:
        """What came of a confirmation or an unsubscription (distribution sends readers here)."""
        path = f"/{newsroom_slug}/subscription/{outcome}"
        return await page(
            request, publisher, newsroom_slug, path, "subscription_outcome.html",
            outcome=outcome, code=code,
        )  # fmt: skip
