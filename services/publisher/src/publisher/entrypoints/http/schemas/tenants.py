from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from newsroom_shared.patterns import NOT_BLANK_PATTERN
from publisher.domain import limits
from publisher.domain.tenant import Tenant
from publisher.entrypoints.http.schemas.api_keys import ApiKeyCreated
from publisher.entrypoints.http.schemas.common import Model, Name
from publisher.service.views import NewTenant


class TenantCreate(Model):
    name: Name = Field(examples=["Acme Corp"])
    admin_key_name: str = Field(
        default="first admin key",
        min_length=1,
        max_length=limits.API_KEY_NAME_MAX,
        pattern=NOT_BLANK_PATTERN,
    )


class TenantOut(BaseModel):
    id: str
    name: str
    created_at: datetime

    @classmethod
    def of(cls, tenant: Tenant) -> TenantOut:
        return cls(id=tenant.id, name=tenant.name, created_at=tenant.created_at)


class TenantCreated(BaseModel):
    tenant: TenantOut
    api_key: ApiKeyCreated = Field(
        description="The tenant's first admin key; its token is shown once"
    )

    @classmethod
    def of(cls, created: NewTenant) -> TenantCreated:
        return cls(tenant=TenantOut.of(created.tenant), api_key=ApiKeyCreated.of(created.admin_key))
