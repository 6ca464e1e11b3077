"""Inbound webhook sources of the caller's tenant (admins make them: each has a secret), and
the inbound route each source POSTs to (no API key: the Standard Webhooks signature is the
credential)."""

from __future__ import annotations

import math
from collections.abc import Callable

from fastapi import APIRouter, Request, Response, status

from listening.entrypoints.http.dependencies import (
    AdminTenant,
    ListeningDep,
    ViewerTenant,
    cursor_str,
)
from listening.entrypoints.http.schemas.sources import (
    WebhookSourceCreate,
    WebhookSourceCreated,
    WebhookSourceOut,
)
from listening.service import sources
from listening.service.intake import InboundPost
from newsroom_shared.http.errors import TooManyRequests, error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, encode_cursor
from newsroom_shared.http.ratelimit import TokenBuckets

router = APIRouter(prefix="/v1/sources/webhooks", tags=["sources"])
inbound_router = APIRouter(prefix="/v1/inbound/webhooks", tags=["inbound"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_webhook_source(
    body: WebhookSourceCreate, tenant: AdminTenant, listening: ListeningDep
) -> WebhookSourceCreated:
    """Create an inbound webhook source; its signing secret is in this answer only."""
    base_url = listening.settings.public_base_url
    source, secret = await sources.create_source(
        listening.uow(), listening.deps, tenant, name=body.name
    )
    return WebhookSourceCreated(**WebhookSourceOut.of(source, base_url).model_dump(), secret=secret)


@router.get("")
async def list_webhook_sources(
    tenant: ViewerTenant, listening: ListeningDep, limit: Limit, cursor: Cursor = None
) -> Page[WebhookSourceOut]:
    """List the tenant's webhook sources, newest first."""
    after = cursor_str(cursor, "id")
    page = await sources.list_sources(listening.reader(), tenant, after_id=after, limit=limit)
    next_cursor = encode_cursor({"id": page.items[-1].id}) if page.more else None
    base_url = listening.settings.public_base_url
    items = [WebhookSourceOut.of(source, base_url) for source in page.items]
    return Page(items=items, next_cursor=next_cursor)


@router.delete("/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_webhook_source(
    source_id: str, tenant: AdminTenant, listening: ListeningDep
) -> Response:
    """Delete a webhook source: its deliveries are refused from now on."""
    await sources.delete_source(listening.uow(), tenant, source_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def inbound_rate_limit(per_minute: int, burst: int) -> Callable[[str], None]:
    """The per-source limit of the inbound route (``create_app`` puts it in the app's state):
    a token bucket per source in this replica, checked before the signature (no I/O)."""
    buckets = TokenBuckets(per_minute, burst)

    def take(source_id: str) -> None:
        wait_s = buckets.take(source_id)
        if wait_s > 0:
            raise TooManyRequests("Too many deliveries: slow down", retry_after=math.ceil(wait_s))

    return take


@inbound_router.post(
    "/{source_id}",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(400, 404, 422, 429),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": InboundPost.model_json_schema()}},
        }
    },
)
async def receive_webhook(source_id: str, request: Request, listening: ListeningDep) -> Response:
    """A post from the source, signed per Standard Webhooks (headers webhook-id,
    webhook-timestamp, webhook-signature); 400 when the signature does not verify, 429 past the
    source's rate."""
    request.app.state.inbound_rate_limit(source_id[:64])
    body = await request.body()
    headers = {key.lower(): value for key, value in request.headers.items()}
    await sources.receive_webhook(listening.uow(), listening.deps, source_id, body, headers)
    return Response(status_code=status.HTTP_202_ACCEPTED)
