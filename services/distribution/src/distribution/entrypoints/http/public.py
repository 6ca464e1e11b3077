"""Public subscription routes (no key; rate limited per client): subscribe, confirm.

Subscribing answers 202 with the same body whatever the address's state, so nobody learns who
subscribed. The confirm link is signed and expires (48 h); a GET shows a page whose button
POSTs (mail scanners follow links; only a person's click confirms).
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pymongo.errors import DuplicateKeyError

from distribution.adapters.signing import TokenProblem, TokenPurpose
from distribution.bootstrap import Distribution
from distribution.config import DistributionSettings
from distribution.domain.subscribers import keyed_digest
from distribution.entrypoints.http.dependencies import DistributionDep
from distribution.entrypoints.http.errors import Gone
from distribution.entrypoints.http.newsroom_pages import PageForm, page_of
from distribution.entrypoints.http.schemas.common import Token
from distribution.entrypoints.http.schemas.subscribers import (
    Confirmed,
    SubscribeAccepted,
    SubscribeIn,
)
from distribution.service import subscribers, subscriptions
from distribution.service.confirmations import CONFIRM_PATH
from newsroom_shared.http.errors import BadRequest, error_responses
from newsroom_shared.http.openapi_problems import raises
from newsroom_shared.http.ratelimit import client_address, rate_limit

NewsroomSlug = Annotated[
    str, Path(max_length=100, description="The newsroom's public slug, as in its public URLs")
]


def public_rate_limit(settings: DistributionSettings) -> Callable[[Request], Awaitable[None]]:
    """The per-client limit of these routes (``create_app`` puts it in the app's state)."""
    return rate_limit(settings.public_rate_per_minute, settings.public_rate_burst)


@raises(429)
async def limited_per_client(request: Request) -> None:
    await request.app.state.public_rate_limit(request)


router = APIRouter(
    prefix="/v1/public", tags=["public subscription"], dependencies=[Depends(limited_per_client)]
)


@router.post(
    "/newsrooms/{newsroom_slug}/subscribers",
    status_code=status.HTTP_202_ACCEPTED,
)
async def subscribe(
    newsroom_slug: NewsroomSlug, body: SubscribeIn, request: Request, distribution: DistributionDep
) -> SubscribeAccepted:
    """Subscribe to a newsroom's releases by email (double opt-in: a confirmation email).

    The newsroom is named by its public slug, as in its public URLs."""
    await start_subscription(distribution, request, newsroom_slug, body)
    return SubscribeAccepted()


async def start_subscription(
    distribution: Distribution, request: Request, newsroom_slug: str, body: SubscribeIn
) -> None:
    """The subscription's first step, the same from the API and from a newsroom page's form."""
    client = client_address(request, getattr(request.app.state, "trusted_proxies", 0))
    subscribe_request = subscribers.SubscribeRequest(
        newsroom_slug=newsroom_slug,
        email=body.email,
        language=body.language,
        categories=tuple(body.categories),
        ip_hash=keyed_digest(client, distribution.digest_key) if client else None,
    )
    now = distribution.clock.now()
    # The same address subscribing at the same moment: the other request did the work.
    with contextlib.suppress(DuplicateKeyError):
        await distribution.transact(lambda uow: subscribers.subscribe(uow, subscribe_request, now))
    distribution.mail_bell.ring()  # a confirmation email may be due: this replica sends it now


def _subscriber_of(distribution: Distribution, token: str) -> tuple[str, str]:
    check = distribution.tokens.verify(TokenPurpose.CONFIRM_SUBSCRIPTION, token)
    if check.problem is TokenProblem.EXPIRED:
        raise Gone(
            "This confirmation link has expired: subscribe again to get a new one",
            code="token_expired",
        )
    payload = check.payload
    if (
        payload is None
        or not isinstance(payload.get("t"), str)
        or not isinstance(payload.get("s"), str)
    ):
        raise BadRequest(
            "This confirmation link is not valid: use the link from your email as it is",
            code="invalid_token",
        )
    return payload["t"], payload["s"]


@router.post(
    "/subscriptions/confirm/{token}",
    response_model=Confirmed,
    responses={
        **error_responses(400, 409, 410),
        303: {"description": "A form from the newsroom's page: back to its pages"},
    },
)
async def confirm_subscription(
    token: Token, distribution: DistributionDep, request: Request
) -> Confirmed | RedirectResponse:
    """Confirm a subscription with the link from the confirmation email (idempotent).

    Posted as a form from the newsroom's page (field ``newsroom``), the answer is a redirect
    to that newsroom's pages (``newsroom_pages.py``)."""
    form = await PageForm.of(request)
    try:
        tenant_id, subscriber_id = _subscriber_of(distribution, token)
    except (Gone, BadRequest) as problem:
        if form is None:
            raise
        return form.outcome("problem", code=problem.code)
    now = distribution.clock.now()
    await distribution.transact(lambda uow: subscribers.confirm(uow, tenant_id, subscriber_id, now))
    return Confirmed() if form is None else form.outcome("confirmed")


@router.get(
    "/subscriptions/confirm/{token}",
    response_class=HTMLResponse,
    responses={
        **error_responses(400, 410),
        303: {"description": "To the page of the subscriber's newsroom"},
    },
)
async def confirm_page(token: Token, distribution: DistributionDep, request: Request) -> Response:
    """The newsroom's page whose button confirms, or this plain one when the newsroom is not
    known here (a GET changes nothing: mail scanners follow links)."""
    tenant_id, subscriber_id = _subscriber_of(distribution, token)
    newsroom = await subscriptions.newsroom_of(distribution.reader(), tenant_id, subscriber_id)
    if newsroom is not None:
        scheme = distribution.settings.custom_domain_scheme
        return page_of(newsroom, "confirm", token, scheme)
    # Behind the one origin the API is under a prefix (the ASGI root path): the form names it.
    action = html.escape(f"{request.scope.get('root_path', '')}{CONFIRM_PATH}{token}", quote=True)
    return HTMLResponse(
        "<!doctype html><meta charset=utf-8><title>Confirm your subscription</title>"
        f'<form method=post action="{action}">'
        "<p>Confirm that you want to receive these emails?</p>"
        "<button type=submit>Confirm</button></form>"
    )
