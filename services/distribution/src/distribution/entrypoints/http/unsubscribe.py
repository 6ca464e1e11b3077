"""The unsubscribe link of every email: RFC 8058 one-click (a POST, no cookies, no login).

The link is ``/v1/unsubscribe/{token}`` (see ``service/dispatch.py``); the token is signed,
names the tenant and the subscriber, and never expires (an old email must still work). A GET
changes nothing (mail scanners follow links): it answers a page whose button POSTs.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from distribution.adapters.signing import TokenPurpose
from distribution.bootstrap import Distribution
from distribution.entrypoints.http.newsroom_pages import PageForm, page_of
from distribution.entrypoints.http.schemas.common import Token
from distribution.service import subscriptions
from newsroom_shared.http.errors import BadRequest, NotFound, error_responses
from newsroom_shared.http.ratelimit import rate_limit

PER_MINUTE, BURST = 30, 10  # per client: enough for people, little for guessing


class Unsubscribed(BaseModel):
    status: Literal["unsubscribed"] = "unsubscribed"


def _distribution(request: Request) -> Distribution:
    distribution: Distribution = request.app.state.distribution
    return distribution


DistributionDep = Annotated[Distribution, Depends(_distribution)]

router = APIRouter(
    prefix="/v1/unsubscribe",
    tags=["unsubscribe"],
    dependencies=[Depends(rate_limit(PER_MINUTE, BURST))],
    responses=error_responses(400, 404),
)


def _subscriber_of(distribution: Distribution, token: str) -> tuple[str, str]:
    check = distribution.tokens.verify(TokenPurpose.UNSUBSCRIBE, token)
    payload = check.payload
    if (
        payload is None
        or not isinstance(payload.get("t"), str)
        or not isinstance(payload.get("s"), str)
    ):
        raise BadRequest(
            "This unsubscribe link is not valid: use the link from your email as it is",
            code="invalid_token",
        )
    return payload["t"], payload["s"]


@router.post(
    "/{token}",
    response_model=Unsubscribed,
    responses={303: {"description": "A form from the newsroom's page: back to its pages"}},
)
async def unsubscribe(
    token: Token, distribution: DistributionDep, request: Request
) -> Unsubscribed | RedirectResponse:
    """Unsubscribe (RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click`).

    Posted as a form from the newsroom's page (field ``newsroom``), the answer is a redirect
    to that newsroom's pages (``newsroom_pages.py``)."""
    form = await PageForm.of(request)
    try:
        tenant_id, subscriber_id = _subscriber_of(distribution, token)
    except BadRequest as problem:
        if form is None:
            raise
        return form.outcome("problem", code=problem.code)
    now = datetime.now(UTC)
    found = await distribution.transact(
        lambda uow: subscriptions.unsubscribe(uow, tenant_id, subscriber_id, now)
    )
    if form is not None:  # an erased subscriber is unsubscribed all the same, to a reader
        return form.outcome("unsubscribed")
    if not found:
        raise NotFound("No such subscription (it may have been erased)")
    return Unsubscribed()


@router.get(
    "/{token}",
    response_class=HTMLResponse,
    responses={
        **error_responses(400),
        303: {"description": "To the page of the subscriber's newsroom"},
    },
)
async def unsubscribe_page(
    token: Token, distribution: DistributionDep, request: Request
) -> Response:
    """The newsroom's page whose button unsubscribes, or this plain one when the newsroom is
    not known here; its button POSTs to the same link (a GET changes nothing)."""
    tenant_id, subscriber_id = _subscriber_of(distribution, token)
    newsroom = await subscriptions.newsroom_of(distribution.reader(), tenant_id, subscriber_id)
    if newsroom is not None:
        scheme = distribution.settings.custom_domain_scheme
        return page_of(newsroom, "unsubscribe", token, scheme)
    # Behind the one origin the API is under a prefix (the ASGI root path): the form names it.
    root_path = request.scope.get("root_path", "")
    action = html.escape(f"{root_path}/v1/unsubscribe/{token}", quote=True)
    return HTMLResponse(
        "<!doctype html><meta charset=utf-8><title>Unsubscribe</title>"
        f'<form method=post action="{action}">'
        '<input type=hidden name="List-Unsubscribe" value="One-Click">'
        "<p>Stop receiving these emails?</p><button type=submit>Unsubscribe</button></form>"
    )
