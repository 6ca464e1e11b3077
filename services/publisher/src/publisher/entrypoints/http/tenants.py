"""Tenants: created by the platform operator; each tenant reads its own record."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from newsroom_shared.http.errors import Forbidden, Unauthorized, error_responses
from newsroom_shared.http.openapi_problems import raises
from publisher.entrypoints.http.dependencies import PublisherDep, Viewer
from publisher.entrypoints.http.schemas.tenants import TenantCreate, TenantCreated, TenantOut
from publisher.service import tenants

router = APIRouter(prefix="/v1", tags=["tenants"])

_platform_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="PlatformToken",
    description="The platform operator token (PUBLISHER_PLATFORM_TOKEN)",
)


@raises(401, 403)
async def _operator(
    publisher: PublisherDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_platform_bearer)],
) -> None:
    expected = publisher.settings.platform_token
    if expected is None or not expected.get_secret_value():
        raise Forbidden("tenant creation over HTTP is disabled (no platform token configured)")
    given = credentials.credentials if credentials else ""
    # Constant time: the comparison must not leak how much of the token was right.
    if not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
        raise Unauthorized("a valid platform operator token is required")


@router.post(
    "/tenants",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(_operator)],
)
async def create_tenant(body: TenantCreate, publisher: PublisherDep) -> TenantCreated:
    """Create a tenant and its first admin API key (platform operator only)."""
    created = await tenants.create_tenant(
        publisher.uow(), publisher.deps, name=body.name, key_name=body.admin_key_name
    )
    return TenantCreated.of(created)


@router.get("/tenant", responses=error_responses(404))
async def get_own_tenant(caller: Viewer, publisher: PublisherDep) -> TenantOut:
    """The caller's tenant."""
    return TenantOut.of(await tenants.get_tenant(publisher.reader(), caller))
