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
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from distribution.adapters.signing import TokenPurpose
from distribution.bootstrap import Distribution
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


@router.post("/{token}")
async def unsubscribe(token: Token, distribution: DistributionDep) -> Unsubscribed:
    """Unsubscribe (RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click`)."""
    tenant_id, subscriber_id = _subscriber_of(distribution, token)
    now = datetime.now(UTC)
    found = await distribution.transact(
        lambda uow: subscriptions.unsubscribe(uow, tenant_id, subscriber_id, now)
    )
    if not found:
        raise NotFound("No such subscription (it may have been erased)")
    return Unsubscribed()


@router.get("/{token}", response_class=HTMLResponse, responses=error_responses(400))
async def unsubscribe_page(
    token: Token, distribution: DistributionDep, request: Request
) -> HTMLResponse:
    """A page asking to confirm; its button POSTs to the same link (a GET changes nothing)."""
    _subscriber_of(distribution, token)
    # Behind the one origin the API is under a prefix (the ASGI root path): the form names it.
    root_path = request.scope.get("root_path", "")
    action = html.escape(f"{root_path}/v1/unsubscribe/{token}", quote=True)
    return HTMLResponse(
        "<!doctype html><meta charset=utf-8><title>Unsubscribe</title>"
        f'<form method=post action="{action}">'
        '<input type=hidden name="List-Unsubscribe" value="One-Click">'
        "<p>Stop receiving these emails?</p><button type=submit>Unsubscribe</button></form>"
    )
